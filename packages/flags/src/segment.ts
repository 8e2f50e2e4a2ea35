import type { AttributeCondition } from './flag.js';

/**
 * A reusable group of contexts, defined once and referenced by key from any flag's rules
 * (`{ segment: 'beta-testers' }`, `{ notSegment: 'internal' }`).
 *
 * A context belongs to the segment when, checked in this order:
 * 1. its `userId` is in `excludedUserIds` → **not** a member, whatever else holds (an exclusion is
 *    the override for "never this user");
 * 2. its `userId` is in `includedUserIds` → a member;
 * 3. the segment has conditions and every one holds → a member;
 * 4. otherwise not a member (a segment without conditions is exactly its included users).
 *
 * A numeric `userId` is compared as its decimal text. Segment conditions are attribute conditions
 * only: a segment cannot refer to another segment.
 */
export interface Segment {
  readonly key: string;
  readonly description?: string;
  readonly includedUserIds?: readonly string[];
  readonly excludedUserIds?: readonly string[];
  readonly conditions?: readonly AttributeCondition[];
}

/** The context attribute the include and exclude lists are matched against. */
export const SEGMENT_USER_ATTRIBUTE = 'userId';

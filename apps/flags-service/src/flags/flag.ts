import type { Flag as FlagDefinition, Segment as SegmentDefinition } from '@platform/flags';

/** A stored flag: its definition, and the version and times of its changes. */
export interface StoredFlag {
  readonly definition: FlagDefinition;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A flag as JSON: the definition's fields at the top level, then version and times. */
export type FlagJson = FlagDefinition & {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export function toJson(flag: StoredFlag): FlagJson {
  return {
    ...flag.definition,
    version: flag.version,
    createdAt: flag.createdAt.toISOString(),
    updatedAt: flag.updatedAt.toISOString(),
  };
}

export interface StoredSegment {
  readonly definition: SegmentDefinition;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type SegmentJson = SegmentDefinition & {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export function segmentToJson(segment: StoredSegment): SegmentJson {
  return {
    ...segment.definition,
    version: segment.version,
    createdAt: segment.createdAt.toISOString(),
    updatedAt: segment.updatedAt.toISOString(),
  };
}

/** One change, as `GET /flags/{key}/audit` shows it. */
export interface AuditEntryJson {
  readonly version: number;
  readonly action: 'create' | 'update' | 'delete';
  readonly actor: string;
  readonly at: string;
  readonly before: unknown;
  readonly after: unknown;
}

import type { IdKind, IssueQuery } from './id-kinds.js';

/** One id kind: how to issue a batch, and how to take an id apart again. */
export interface IdIssuer {
  readonly kind: IdKind;
  /** `query.count` new ids, as strings (64-bit ones in decimal: they exceed 2^53). */
  issue(query: IssueQuery): string[] | Promise<string[]>;
  /** The parts of an id of this kind; throws {@link MalformedIdError} for anything else. */
  decode(id: string): Record<string, unknown>;
}

export const ID_ISSUERS = Symbol('ID_ISSUERS');

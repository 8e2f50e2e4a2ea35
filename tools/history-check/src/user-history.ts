/**
 * What the history checker's clients did to users, as they saw it. Each client owns the users it
 * created and works on them one request at a time, so the operations on one user are totally ordered:
 * the checker can say, for each user, which final states the acknowledged history allows.
 */

/** What a client knows of a request's effect. */
export type Outcome =
  /** 2xx: it happened, and is durable. */
  | 'ok'
  /** A 4xx: it did not happen (a 409 email conflict, a 404 for a user already gone). */
  | 'failed'
  /** A 5xx, a timeout or a cut connection: it may or may not have happened. */
  | 'unknown';

/** A user as stored: what the API lets a client set. */
export interface UserFields {
  readonly email: string;
  readonly name: string;
}

export type UserOperation =
  | { readonly kind: 'create'; readonly fields: UserFields }
  | { readonly kind: 'update'; readonly email?: string; readonly name?: string }
  | { readonly kind: 'delete' };

export interface RecordedOperation {
  readonly client: number;
  /** The client's own name for the user (the server's id is known only once a create is acknowledged). */
  readonly user: string;
  readonly operation: UserOperation;
  readonly outcome: Outcome;
  /** The id the server gave, for an acknowledged create. */
  readonly id?: string;
  /** HTTP status, 0 for no answer. */
  readonly status: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** The outcome of an HTTP status: 2xx ok, 4xx failed, anything else (5xx, no answer) unknown. */
export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status <= 299) return 'ok';
  if (status >= 400 && status <= 499) return 'failed';
  return 'unknown';
}

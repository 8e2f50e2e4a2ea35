import type { IncomingHttpHeaders } from 'node:http';

import { countsAgainstUpstream } from '@platform/observability';

/**
 * Whose fault an answer is, which decides what it counts against (docs/failover.md, "Whose fault").
 * Only the instance's own faults count against it: its breaker, its outlier ejection, its error rate
 * for load-aware picking, and a retry on another instance.
 *
 * - `success`: below 500. A 4xx is the request's fault; the instance did its job.
 * - `http_error`: a 5xx of the instance's own. Counts against it, and may be retried elsewhere.
 * - `dependency_error`: a 5xx with `x-failure-origin: dependency` (a shard's database, another
 *   service). The instance answered, so load tracking records an answer, and nothing else counts.
 *   Not retried either: every other instance shares the dependency and would answer the same.
 */
export type AnswerVerdict = 'success' | 'http_error' | 'dependency_error';

export function judgeAnswer(answer: {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
}): AnswerVerdict {
  if (answer.statusCode < 500) return 'success';
  return countsAgainstUpstream(answer) ? 'http_error' : 'dependency_error';
}

/**
 * A call the caller gave up on, in place of its rejection. The instance breaker judges a rejection
 * before the client can look at it, and would count the caller's abort as the instance's failure;
 * a result it is told is no failure counts for nothing against the instance.
 */
export class CallerGaveUp {
  constructor(
    /** The call's own rejection, rethrown once the breaker has counted the call. */
    readonly error: unknown,
  ) {}
}

/**
 * `call`, with its rejection turned into a {@link CallerGaveUp} when `gaveUp()` says, at that moment,
 * that the caller aborted it. Any other rejection (refused, reset, timed out) passes unchanged.
 */
export function sparingCallerAborts<T>(call: Promise<T>, gaveUp: () => boolean): Promise<T | CallerGaveUp> {
  return call.catch((error: unknown) => {
    if (gaveUp()) return new CallerGaveUp(error);
    throw error;
  });
}

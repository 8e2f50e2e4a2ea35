/**
 * What a call to the upstream resolves with when the client went away first: its request was
 * aborted on the client's behalf, so the rejection says nothing about the upstream. The route's
 * breaker gets this marker as the call's result and its failure predicate does not count it (the
 * breaker then counts the call as it counts an error its `isFailureError` excuses: not a failure);
 * the release's canary analysis does not record it; the metrics count it as `client_gone`.
 */
export const CLIENT_GONE: unique symbol = Symbol('client gone');

export type ClientGone = typeof CLIENT_GONE;

/** `call`, except that a rejection after `gone` fired resolves with {@link CLIENT_GONE}. */
export async function unlessClientGone<T>(call: Promise<T>, gone: AbortSignal): Promise<T | ClientGone> {
  try {
    return await call;
  } catch (error) {
    if (gone.aborted) return CLIENT_GONE;
    throw error;
  }
}

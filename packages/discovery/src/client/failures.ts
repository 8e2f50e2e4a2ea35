/** How an attempt failed, as far as deciding what to do next is concerned. */
export type FailureKind =
  /** The connection was never made: nothing reached the instance; it is probably gone. */
  | 'connect'
  /** The connection broke after the request may have been sent. */
  | 'reset'
  /** No answer in time. */
  | 'timeout'
  | 'other';

const CONNECT = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'call_timeout']);

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (typeof code === 'string') return code;
  if (typeof causeCode === 'string') return causeCode;
  return (error as { name?: unknown } | undefined)?.name === 'TimeoutError' ? 'ETIMEDOUT' : '';
}

export function classify(error: unknown): FailureKind {
  const code = errorCode(error);
  if (CONNECT.has(code)) return 'connect';
  if (RESET.has(code)) return 'reset';
  if (TIMEOUT.has(code)) return 'timeout';
  return 'other';
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Safe to send again: an idempotent method, or the caller sent an Idempotency-Key. */
export function isIdempotent(
  method: string,
  headers: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (IDEMPOTENT_METHODS.has(method.toUpperCase())) return true;
  return Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'idempotency-key');
}

/** Statuses worth another instance when the request is safe to repeat. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 && status !== 501 && status !== 505;
}

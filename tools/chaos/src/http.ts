/** One HTTP exchange as the chaos suite records it: a network error or timeout is status 0. */
export interface Exchange {
  readonly status: number;
  readonly ms: number;
  readonly text: string;
  readonly headers: Headers | undefined;
  /** Why there was no answer, when status is 0. */
  readonly error?: string;
}

export interface SendOptions {
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/** The longest an ordinary request may take before the suite calls it failed. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export async function send(method: string, url: string, options: SendOptions = {}): Promise<Exchange> {
  const started = performance.now();
  const json = options.body !== undefined && typeof options.body !== 'string';
  try {
    const response = await fetch(url, {
      method,
      headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body === undefined ? undefined : json ? JSON.stringify(options.body) : options.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, text, headers: response.headers };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      status: 0,
      ms: performance.now() - started,
      text: '',
      headers: undefined,
      error: cause ?? (error as Error).name,
    };
  }
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonOf<T>(exchange: Exchange): T | undefined {
  try {
    return JSON.parse(exchange.text) as T;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

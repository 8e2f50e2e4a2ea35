/**
 * JSON over HTTP with the admin token, for the release command's two clients (the runner's control
 * API and the gateway's admin API). Failures become errors that say who answered what.
 */

/** The other side answered with an error status; `code` and `message` are from its error body. */
export class ApiError extends Error {
  constructor(
    readonly api: string,
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    request: string,
  ) {
    super(`${api} answered ${status} to ${request}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** Nothing answered (refused, reset, timed out). */
export class ApiUnreachableError extends Error {
  constructor(api: string, baseUrl: string, request: string, cause: unknown) {
    const reason = (cause as Error).name === 'TimeoutError' ? 'timed out' : describeCause(cause);
    super(`could not reach ${api} at ${baseUrl} (${request}): ${reason}`, { cause });
    this.name = 'ApiUnreachableError';
  }
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

export interface JsonApiOptions {
  /** Named in error messages: `the gateway`, `the runner's control API`. */
  readonly api: string;
  readonly baseUrl: string;
  readonly token: string;
  /** For each request unless it says otherwise. */
  readonly timeoutMs?: number;
  /** Sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
}

export class JsonApi {
  constructor(private readonly options: JsonApiOptions) {}

  async request<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const { api, baseUrl, token } = this.options;
    const request = `${method} ${path}`;
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...this.options.headers,
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new ApiUnreachableError(api, baseUrl, request, error);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new ApiError(
        api,
        response.status,
        typeof error?.code === 'string' ? error.code : `http_${response.status}`,
        typeof error?.message === 'string' ? error.message : text.slice(0, 200) || response.statusText,
        request,
      );
    }
    return json as T;
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

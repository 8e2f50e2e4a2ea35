export interface JsonRequest {
  readonly method?: string;
  /** Sent as JSON (with `content-type: application/json`). */
  readonly json?: unknown;
  /** Sent as is, for malformed bodies; give the content type in `headers`. */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface JsonResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; undefined when the body is not JSON. */
  readonly body: T;
  readonly text: string;
}

/** One HTTP request the way a client would make it, with the JSON answer parsed. */
export async function requestJson<T = unknown>(
  url: string,
  request: JsonRequest = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...request.headers };
  let body: string | undefined = request.rawBody;
  if (request.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(request.json);
  }
  const response = await fetch(url, { method: request.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

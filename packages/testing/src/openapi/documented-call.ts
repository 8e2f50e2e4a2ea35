import { requestJson, type JsonRequest } from '../json-request.js';
import { DocumentedAnswers } from './documented-answers.js';
import type { OpenApiLike } from './openapi-shape.js';

/** One call and how its answer compares with the document that describes it. */
export interface DocumentedCallResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** `METHOD path` → how the answer differs from the document: `[]` when it matches. */
  readonly problems: Record<string, readonly string[]>;
}

export type DocumentedCall = (path: string, request?: JsonRequest) => Promise<DocumentedCallResult>;

/**
 * A client for tests that check a server answers as its OpenAPI document says: each call returns the
 * status, the body and the document's verdict on the answer. `baseUrl` and `document` are read at
 * each call (a test fills them in its beforeAll).
 */
export function documentedCaller(baseUrl: () => string, document: () => OpenApiLike): DocumentedCall {
  return async (path, request = {}) => {
    const method = request.method ?? 'GET';
    const response = await requestJson(`${baseUrl()}${path}`, request);
    const check = new DocumentedAnswers(document()).check({
      method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: response.text,
    });
    return {
      status: response.status,
      body: (response.body ?? {}) as Record<string, unknown>,
      problems: { [`${method} ${path}`]: check?.problems ?? ['not documented'] },
    };
  };
}

/** What a {@link DocumentedCall} matching its document looks like, for `toMatchObject`: `call` is `METHOD path`. */
export function matchesDocument(
  status: number,
  call: string,
): Pick<DocumentedCallResult, 'status' | 'problems'> {
  return { status, problems: { [call]: [] } };
}

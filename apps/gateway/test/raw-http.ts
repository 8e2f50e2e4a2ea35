import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The server sent `100 Continue` before its answer. */
  readonly continued: boolean;
}

export interface RawRequest {
  /** Request line and headers exactly as sent (no normalising of the path: `..`, `%2e`, `\`). */
  readonly head: string;
  /** Sent right after the head. */
  readonly body?: Buffer | string;
  /** Sent once the server says 100 Continue (never, if it answers first). */
  readonly bodyAfterContinue?: Buffer | string;
}

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * One request on a new connection to `baseUrl`, bytes as given, resolved as soon as a whole answer
 * (by its content-length, or its last chunk) has arrived, whether or not the server went on reading what was sent.
 */
export function sendRaw(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let buffer = Buffer.alloc(0);
    let continued = false;
    let settled = false;
    const settle = (outcome: RawResponse | Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.subarray(0, CONTINUE.length).toString('latin1') === CONTINUE) {
        buffer = buffer.subarray(CONTINUE.length);
        continued = true;
        if (request.bodyAfterContinue !== undefined) socket.write(request.bodyAfterContinue);
      }
      const response = parseResponse(buffer);
      if (response) settle({ ...response, continued });
    });
    const incomplete = (cause: string) =>
      settle(new Error(`${cause} before a whole answer: ${JSON.stringify(buffer.toString('latin1'))}`));
    socket.on('end', () => incomplete('the connection ended'));
    socket.on('error', (error) => incomplete(error.message));
    socket.write(request.head);
    if (request.body !== undefined) socket.write(request.body);
  });
}

/** A whole response (content-length or chunked), or undefined while more is to come. */
function parseResponse(buffer: Buffer): Omit<RawResponse, 'continued'> | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine, ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = buffer.subarray(headEnd + 4);
  const body = headers['transfer-encoding'] === 'chunked' ? dechunked(rest) : rest;
  const length = Number(headers['content-length'] ?? 0);
  if (body === undefined || body.length < length) return undefined;
  return {
    status: Number(statusLine!.split(' ')[1]),
    headers,
    body: (length > 0 ? body.subarray(0, length) : body).toString('utf8'),
  };
}

/** A chunked body once its last (empty) chunk has arrived, or undefined while more is to come. */
function dechunked(encoded: Buffer): Buffer | undefined {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = encoded.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(encoded.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(chunks);
    if (encoded.length < lineEnd + 2 + size + 2) return undefined;
    chunks.push(encoded.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

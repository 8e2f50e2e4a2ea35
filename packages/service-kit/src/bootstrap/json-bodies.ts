import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The one body format a service reads. */
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * A request body in another format than JSON, or with no content-type at all. Answered 415
 * `unsupported_media_type` (see toErrorResponse) rather than read some other way: `curl -d` sends
 * `application/x-www-form-urlencoded` by default, and a JSON text parsed as a form becomes one
 * field named after the whole text, which validation then reports as an unknown key.
 */
export class NotJsonBodyError extends Error {
  readonly statusCode = 415;
  readonly code = 'unsupported_media_type';

  constructor(contentType: string | undefined) {
    super(
      `${contentType === undefined ? 'the request body has no content-type' : `the request body is ${contentType}`}; ` +
        `send it as JSON with the header content-type: ${JSON_CONTENT_TYPE}`,
    );
    this.name = 'NotJsonBodyError';
  }
}

/**
 * Makes `fastify` read request bodies as JSON only. A body of any other content-type (or none) is
 * refused with {@link NotJsonBodyError}, before it is read. Passed through unread: an empty body
 * whatever its content-type, so a POST that sends nothing (`curl -X POST`) still reaches its route;
 * and any body sent where no route matches, which is answered 404 or 405 (the path or the method is
 * the thing to fix first), as Fastify does with a body it has no parser for. Call it before routes
 * are registered, on a Fastify without Nest's body parsers (`bodyParser: false`): Fastify's own
 * JSON parser stays.
 */
export function readJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (request: FastifyRequest, _payload, done) => {
    if (request.is404 || hasNoBody(request)) done(null, undefined);
    else done(new NotJsonBodyError(mediaTypeOf(request.headers['content-type'])), undefined);
  });
}

function hasNoBody(request: FastifyRequest): boolean {
  const { headers } = request;
  return headers['transfer-encoding'] === undefined && (headers['content-length'] ?? '0') === '0';
}

/** The media type of a content-type header, without its parameters, short enough to repeat. */
function mediaTypeOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type.length > 100 ? `${type.slice(0, 100)}…` : type;
}

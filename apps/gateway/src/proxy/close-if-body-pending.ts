import type { FastifyReply, FastifyRequest } from 'fastify';

/** True when the request announced a body (a length above 0, or chunks). */
export function bodyAnnounced(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * After refusing a request before its body was read: closes the connection when a body is on its
 * way, so the refusal does not have to read (and the client send) the rest of it.
 */
export function closeIfBodyPending(request: FastifyRequest, reply: FastifyReply): void {
  if (bodyAnnounced(request)) void reply.header('connection', 'close');
}

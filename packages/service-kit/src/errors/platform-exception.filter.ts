import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Logger } from '@platform/observability';

import { sendError } from './error-response.js';

/**
 * The one place errors become HTTP responses for every Nest route of a service: see
 * {@link toErrorResponse} for the rules. Routes outside Nest (the gateway's proxy) call
 * {@link sendError} directly, so they answer the same way.
 */
@Catch()
export class PlatformExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception, this.logger);
  }
}

import { timingSafeEqual } from 'node:crypto';

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { UnauthenticatedError } from '../errors/platform-error.js';
import { ServiceContext } from '../service-context.js';
import { AdminAuthLimiter } from './admin-auth-limiter.js';
import { AdminLockedOutError } from './admin-locked-out.error.js';

/**
 * Admin endpoints need `Authorization: Bearer <ADMIN_TOKEN>`. Without a configured token they are
 * closed to everyone. The comparison takes the same time whatever the guess, and a client that
 * guessed wrong ADMIN_AUTH_MAX_FAILURES times is refused (429) for a while before any comparison
 * (see {@link AdminAuthLimiter}; one limiter per process, shared by every guarded route).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    private readonly context: ServiceContext,
    private readonly limiter: AdminAuthLimiter,
  ) {
    const token = context.config.ADMIN_TOKEN;
    this.expected = token ? Buffer.from(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    this.authorize(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }

  /**
   * The same check for a request outside Nest's routing (a plain Fastify route, such as the
   * gateway's `/admin/services/...`): returns when the request carries the admin token.
   *
   * @throws UnauthenticatedError (401) or AdminLockedOutError (429)
   */
  authorize(request: Pick<FastifyRequest, 'ip' | 'headers'>): void {
    if (!this.expected) {
      throw new UnauthenticatedError(
        'admin endpoints are disabled: this instance has no ADMIN_TOKEN configured',
      );
    }
    const client = request.ip;
    const verdict = this.limiter.check(client);
    if (!verdict.allowed) throw new AdminLockedOutError(Math.ceil(verdict.retryAfterMs / 1_000));

    const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      throw new UnauthenticatedError(
        'this endpoint needs the admin token: send "Authorization: Bearer <ADMIN_TOKEN>"',
      );
    }
    const given = Buffer.from(match[1]);
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      this.recordFailure(client);
      throw new UnauthenticatedError('the admin token is wrong');
    }
    this.limiter.recordSuccess(client);
  }

  private recordFailure(client: string): void {
    if (!this.limiter.recordFailure(client)) return;
    const { maxFailures: failures, windowMs } = this.limiter.options;
    this.context.logger.warn(
      { client, failures, windowMs },
      `admin endpoints refuse ${client} for ${windowMs} ms: ${failures} wrong admin tokens`,
    );
  }
}

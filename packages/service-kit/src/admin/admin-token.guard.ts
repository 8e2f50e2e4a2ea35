import { timingSafeEqual } from 'node:crypto';

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { UnauthenticatedError } from '../errors/platform-error.js';
import { ServiceContext } from '../service-context.js';

/**
 * Admin endpoints need `Authorization: Bearer <ADMIN_TOKEN>`. Without a configured token they are
 * closed to everyone. The comparison takes the same time whatever the guess.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(context: ServiceContext) {
    const token = context.config.ADMIN_TOKEN;
    this.expected = token ? Buffer.from(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new UnauthenticatedError(
        'admin endpoints are disabled: this instance has no ADMIN_TOKEN configured',
      );
    }
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match?.[1]) {
      throw new UnauthenticatedError(
        'this endpoint needs the admin token: send "Authorization: Bearer <ADMIN_TOKEN>"',
      );
    }
    const given = Buffer.from(match[1]);
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new UnauthenticatedError('the admin token is wrong');
    }
    return true;
  }
}

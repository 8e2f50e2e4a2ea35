import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';

import { ReadinessRegistry } from './readiness.registry.js';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `GET /health/live`: the process runs and its event loop turns (restart it if not).
 * `GET /health/ready`: it should get traffic: not shutting down and every dependency answers.
 * Both answer 200 or 503 with terminus's JSON body naming each check.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const lifecycle = () =>
      this.readiness.isShuttingDown
        ? this.indicators.check('lifecycle').down({ reason: 'shutting down' })
        : this.indicators.check('lifecycle').up();
    const checks = this.readiness.entries().map(
      ([name, check]) =>
        () =>
          this.indicators.check(name).attempt(check).withTimeout(CHECK_TIMEOUT_MS),
    );
    try {
      return await this.health.check([lifecycle, ...checks]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse();
    }
  }
}

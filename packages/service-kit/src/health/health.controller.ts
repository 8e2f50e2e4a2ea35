import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';

import { Answers, Summary } from '../openapi/route-doc.js';
import { healthAnswerSchema } from './health-answer.schema.js';
import { ReadinessRegistry, type RegisteredCheck } from './readiness.registry.js';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `GET /health/live`: the process runs and its event loop turns (restart it if not).
 * `GET /health/ready`: it should get traffic: not shutting down and every critical dependency
 * answers (a failing non-critical one, or a check reporting `degraded`, gives status `degraded`
 * and still 200). Both answer with terminus's JSON body naming each check.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @Summary('Whether the process runs (restart it if not)')
  @Answers(200, healthAnswerSchema)
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @Summary('Whether the instance should get traffic: not shutting down, and its critical dependencies answer')
  @Answers(200, healthAnswerSchema, {
    description: 'Ready (status `ok`, or `degraded` when a non-critical check fails)',
  })
  @Answers(503, healthAnswerSchema, { description: 'Not ready: shutting down, or a critical check fails' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const lifecycle = () =>
      this.readiness.isShuttingDown
        ? this.indicators.check('lifecycle').down({ reason: 'shutting down' })
        : this.indicators.check('lifecycle').up();
    const checks = this.readiness.entries().map((entry) => () => this.run(entry));
    try {
      return await this.health.check([lifecycle, ...checks]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse();
    }
  }

  private async run({ name, check, critical }: RegisteredCheck) {
    const session = this.indicators.check(name);
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        check({ signal: controller.signal }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`));
          }, CHECK_TIMEOUT_MS);
        }),
      ]);
      const { degraded, ...details } = result ?? {};
      const data = { ...details, responseTime: Math.round(performance.now() - started) };
      return degraded ? session.degraded(data) : session.up(data);
    } catch (error) {
      const data = { message: error instanceof Error ? error.message : String(error) };
      return critical ? session.down(data) : session.degraded(data);
    } finally {
      clearTimeout(timer);
    }
  }
}

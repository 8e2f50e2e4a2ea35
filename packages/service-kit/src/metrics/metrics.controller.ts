import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

import { Answers, Summary } from '../openapi/route-doc.js';
import { ServiceContext } from '../service-context.js';

/** `GET /metrics`: this instance's metrics in Prometheus text format, for Prometheus to pull. */
@Controller()
export class MetricsController {
  constructor(private readonly context: ServiceContext) {}

  @Get('metrics')
  @Summary("This instance's metrics, for Prometheus")
  @Answers(200, z.string(), { mediaType: 'text/plain', description: 'Prometheus text exposition format' })
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.context.metrics.contentType);
    return this.context.metrics.metrics();
  }
}

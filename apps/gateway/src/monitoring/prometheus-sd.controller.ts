import { Controller, Get, UseGuards } from '@nestjs/common';

import { RegistryView } from '@platform/discovery';
import { AdminTokenGuard, Answers, Summary } from '@platform/service-kit';
import { z } from 'zod';

import { prometheusTargets, type PrometheusTargetGroup } from './prometheus-targets.js';

const prometheusTargetGroupsSchema = z.array(
  z.object({
    targets: z.array(z.string()).describe('host:port to scrape'),
    labels: z.object({
      service: z.string(),
      instance_id: z.string(),
      version: z.string(),
      track: z.string(),
      zone: z.string(),
    }),
  }),
) satisfies z.ZodType<PrometheusTargetGroup[]>;

/**
 * `GET /admin/prometheus/targets`: every instance in the registry, in the format of Prometheus's
 * HTTP service discovery, so that Prometheus scrapes a new instance, or a brand-new service, with no
 * change to its configuration (infra/prometheus/). Admin token required: Prometheus sends it with
 * `http_sd_configs[].authorization.credentials_file`.
 */
@Controller('admin/prometheus')
@UseGuards(AdminTokenGuard)
export class PrometheusSdController {
  constructor(private readonly view: RegistryView) {}

  @Get('targets')
  @Summary("Every instance in the registry, in Prometheus's HTTP service discovery format")
  @Answers(200, prometheusTargetGroupsSchema)
  targets(): PrometheusTargetGroup[] {
    return prometheusTargets(this.view.snapshot());
  }
}

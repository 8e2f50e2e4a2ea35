import { Controller, Get, UseGuards } from '@nestjs/common';

import { RegistryView } from '@platform/discovery';
import { AdminTokenGuard } from '@platform/service-kit';

import { prometheusTargets, type PrometheusTargetGroup } from './prometheus-targets.js';

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
  targets(): PrometheusTargetGroup[] {
    return prometheusTargets(this.view.snapshot());
  }
}

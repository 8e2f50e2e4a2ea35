import { Body, Controller, Delete, Get, HttpCode, Put, UseGuards } from '@nestjs/common';
import { z } from 'zod';

import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { PlatformError } from '../errors/platform-error.js';
import { Answers, Fails, Summary } from '../openapi/route-doc.js';
import { ServiceContext } from '../service-context.js';
import { ZodPipe } from '../validation/zod.pipe.js';
import { FaultInjector } from './fault-injector.js';
import { faultSettingsSchema, type FaultSettings } from './fault-settings.js';

export class FaultsDisabledError extends PlatformError {
  readonly code = 'faults_disabled';
  readonly kind = 'not_found';

  constructor() {
    super('fault injection is off on this instance; start it with FAULTS_ENABLED=true to use it');
  }
}

const faultsAnswerSchema = z.object({ faults: faultSettingsSchema });
const OFF = 'Fault injection is off on this instance (FAULTS_ENABLED is not true)';

/**
 * `GET|PUT|DELETE /admin/faults`: the faults this instance injects into its own requests. Off
 * (404) unless the instance was started with FAULTS_ENABLED=true; admin token required.
 */
@Controller('admin/faults')
@UseGuards(AdminTokenGuard)
export class FaultsController {
  constructor(
    private readonly faults: FaultInjector,
    private readonly context: ServiceContext,
  ) {}

  @Get()
  @Summary('The faults this instance injects into its own requests')
  @Answers(200, faultsAnswerSchema)
  @Fails(404, OFF)
  get(): { faults: FaultSettings } {
    this.ensureEnabled();
    return { faults: this.faults.current() };
  }

  @Put()
  @Summary('Make this instance slow or failing (latency and errors on a share of its requests)')
  @Answers(200, faultsAnswerSchema)
  @Fails(404, OFF)
  put(@Body(new ZodPipe(faultSettingsSchema, 'faults')) settings: FaultSettings): { faults: FaultSettings } {
    this.ensureEnabled();
    const before = this.faults.current();
    this.faults.set(settings);
    this.context.logger.warn({ before, after: settings }, 'injected faults changed');
    return { faults: settings };
  }

  @Delete()
  @HttpCode(204)
  @Summary('Stop injecting faults')
  @Answers(204)
  @Fails(404, OFF)
  clear(): void {
    this.ensureEnabled();
    this.faults.clear();
    this.context.logger.warn('injected faults cleared');
  }

  private ensureEnabled(): void {
    if (!this.context.config.FAULTS_ENABLED) throw new FaultsDisabledError();
  }
}

import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';

import { ACTOR_HEADER, actorOf, AdminTokenGuard } from '@platform/service-kit';

import type { Release } from './release.js';
import { Releases } from './releases.js';

/**
 * Releases per service (admin token required):
 * `PUT /admin/releases/{service}` starts one (`{"strategy":"canary","stable":"0.1.0","candidate":"0.2.0"}`),
 * `POST .../promote` and `POST .../abort` end it, `GET` shows where it stands and why. The `x-actor`
 * header names who did it in the release's history.
 */
@Controller('admin/releases')
@UseGuards(AdminTokenGuard)
export class ReleasesController {
  constructor(private readonly releases: Releases) {}

  @Get()
  list(): { releases: Release[] } {
    return { releases: this.releases.list() };
  }

  @Get(':service')
  get(@Param('service') service: string): Release {
    return this.releases.get(service);
  }

  @Put(':service')
  @HttpCode(201)
  start(
    @Param('service') service: string,
    @Body() body: unknown,
    @Headers(ACTOR_HEADER) actor?: string,
  ): Promise<Release> {
    return this.releases.start(service, body, actorOf(actor));
  }

  @Post(':service/promote')
  @HttpCode(200)
  promote(@Param('service') service: string, @Headers(ACTOR_HEADER) actor?: string): Promise<Release> {
    return this.releases.promote(service, actorOf(actor));
  }

  @Post(':service/abort')
  @HttpCode(200)
  abort(@Param('service') service: string, @Headers(ACTOR_HEADER) actor?: string): Promise<Release> {
    return this.releases.abort(service, actorOf(actor));
  }
}

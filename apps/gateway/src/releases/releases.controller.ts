import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';

import { z } from 'zod';

import {
  Accepts,
  ACTOR_HEADER,
  actorOf,
  AdminTokenGuard,
  Answers,
  Fails,
  Summary,
} from '@platform/service-kit';

import { releaseRequestSchema, releaseSchema, type Release } from './release.js';
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
  @Summary('Every release: where it stands and why')
  @Answers(200, z.object({ releases: z.array(releaseSchema) }))
  list(): { releases: Release[] } {
    return { releases: this.releases.list() };
  }

  @Get(':service')
  @Summary("A service's release: its phase, weight, last analysis and history")
  @Answers(200, releaseSchema)
  @Fails(404, 'The service has no release')
  get(@Param('service') service: string): Release {
    return this.releases.get(service);
  }

  @Put(':service')
  @HttpCode(201)
  @Summary('Start a release of a service: rolling, blue-green, or a canary analysed step by step')
  @Accepts(releaseRequestSchema)
  @Answers(201, releaseSchema)
  @Fails(409, 'A release of the service is in progress, or no instance runs a version it names')
  start(
    @Param('service') service: string,
    @Body() body: unknown,
    @Headers(ACTOR_HEADER) actor?: string,
  ): Promise<Release> {
    return this.releases.start(service, body, actorOf(actor));
  }

  @Post(':service/promote')
  @HttpCode(200)
  @Summary('Send every user to the candidate and finish the release')
  @Answers(200, releaseSchema)
  @Fails(404, 'The service has no release')
  @Fails(409, 'The release is already finished')
  promote(@Param('service') service: string, @Headers(ACTOR_HEADER) actor?: string): Promise<Release> {
    return this.releases.promote(service, actorOf(actor));
  }

  @Post(':service/abort')
  @HttpCode(200)
  @Summary('Send every user back to the stable version and finish the release')
  @Answers(200, releaseSchema)
  @Fails(404, 'The service has no release')
  @Fails(409, 'The release is already finished')
  abort(@Param('service') service: string, @Headers(ACTOR_HEADER) actor?: string): Promise<Release> {
    return this.releases.abort(service, actorOf(actor));
  }
}

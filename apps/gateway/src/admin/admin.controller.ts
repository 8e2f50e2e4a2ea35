import { Controller, Get, UseGuards } from '@nestjs/common';

import { RegistryView } from '@platform/discovery';
import { AdminTokenGuard } from '@platform/service-kit';

import { RouteTable } from '../routing/route-table.js';

/** One instance as `GET /admin/registry` shows it. */
export interface InstanceView {
  readonly instanceId: string;
  readonly address: string;
  readonly version: string;
  readonly zone: string;
  readonly status: string;
  readonly lastHeartbeat: string;
  readonly heartbeatAgeMs: number;
  readonly ttlMs: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The body of `GET /admin/registry`. */
export interface RegistryListing {
  readonly caughtUp: boolean;
  readonly services: Record<string, InstanceView[]>;
}

/** The gateway's view of the platform. Admin token required. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(
    private readonly view: RegistryView,
    private readonly routes: RouteTable,
  ) {}

  /** `GET /admin/registry`: service → live instances, as this gateway sees them now. */
  @Get('registry')
  registry(): RegistryListing {
    const now = Date.now();
    const services: Record<string, InstanceView[]> = {};
    for (const [service, instances] of this.view.snapshot()) {
      services[service] = instances.map((instance) => ({
        instanceId: instance.id,
        address: `${instance.host}:${instance.port}`,
        version: instance.version,
        zone: instance.zone,
        status: instance.status,
        lastHeartbeat: new Date(instance.heartbeatAt).toISOString(),
        heartbeatAgeMs: now - instance.heartbeatAt,
        ttlMs: instance.ttlMs,
        metadata: instance.metadata,
      }));
    }
    return { caughtUp: this.view.caughtUp, services };
  }

  /** `GET /admin/routes`: which service each `/api/<segment>` goes to, and who said so. */
  @Get('routes')
  routeTable(): { routes: ReturnType<RouteTable['entries']> } {
    return { routes: this.routes.entries() };
  }
}

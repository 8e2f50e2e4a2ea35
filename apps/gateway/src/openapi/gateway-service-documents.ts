import type { OpenApiDocument } from '@platform/service-kit';

import type { RouteTable } from '../routing/route-table.js';
import type { ServiceAdminClient } from '../service-admin/service-admin.client.js';
import type { ServiceAdminTargets } from '../service-admin/service-admin-targets.js';
import type { ServiceDocuments } from './platform-document.js';

/**
 * The services this gateway reaches — those its route table routes `/api` segments to, and every
 * other one the registry lists (reachable through `/admin/services`) — and their documents, each
 * from a live instance picked the way `/admin/services` picks one (round robin, another instance if
 * the first cannot be connected to).
 */
export class GatewayServiceDocuments implements ServiceDocuments {
  constructor(
    private readonly gateway: string,
    private readonly routes: RouteTable,
    private readonly targets: ServiceAdminTargets,
    private readonly client: ServiceAdminClient,
  ) {}

  services(): { service: string; segments: string[] }[] {
    const segments = new Map<string, string[]>();
    for (const service of this.targets.services()) segments.set(service, []);
    for (const route of this.routes.entries()) {
      const known = segments.get(route.service) ?? [];
      segments.set(route.service, [...known, route.segment]);
    }
    segments.delete(this.gateway);
    return [...segments].map(([service, routed]) => ({ service, segments: routed.sort() }));
  }

  async fetch(service: string, signal: AbortSignal): Promise<OpenApiDocument> {
    const answer = await this.client.send(
      { service, upstreamPath: '/openapi.json' },
      { method: 'GET', headers: { accept: 'application/json' }, signal },
    );
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      throw new Error(`${answer.instance.id} answered GET /openapi.json with ${answer.statusCode}`);
    }
    const document = (await answer.body.json()) as Partial<OpenApiDocument> | null;
    if (typeof document?.openapi !== 'string' || typeof document.paths !== 'object' || !document.components)
      throw new Error(
        `${answer.instance.id} answered GET /openapi.json with something other than an OpenAPI document`,
      );
    return document as OpenApiDocument;
  }
}

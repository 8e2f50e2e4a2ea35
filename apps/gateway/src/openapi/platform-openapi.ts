import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';

import { ApiDocument, ServiceContext } from '@platform/service-kit';

import { RouteTable } from '../routing/route-table.js';
import { ServiceAdminClient } from '../service-admin/service-admin.client.js';
import { ServiceAdminTargets } from '../service-admin/service-admin-targets.js';
import { GatewayServiceDocuments } from './gateway-service-documents.js';
import { PlatformDocument } from './platform-document.js';

/** Makes the gateway's `GET /openapi.json` serve the platform's merged document instead of its own. */
@Injectable()
export class PlatformOpenApi implements OnApplicationBootstrap {
  constructor(
    private readonly api: ApiDocument,
    private readonly context: ServiceContext,
    private readonly routes: RouteTable,
    private readonly targets: ServiceAdminTargets,
    private readonly client: ServiceAdminClient,
  ) {}

  onApplicationBootstrap(): void {
    const platform = new PlatformDocument(
      () => ({ service: this.context.name, segments: [], document: this.api.ownDocument() }),
      new GatewayServiceDocuments(this.context.name, this.routes, this.targets, this.client),
    );
    this.api.serveInstead(() => platform.document());
  }
}

import { Injectable, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

import { ServiceContext } from '../service-context.js';
import { buildOpenApiDocument } from './openapi-builder.js';
import type { OpenApiDocument } from './openapi-document.js';
import { describeControllerRoutes } from './nest-routes.js';

/**
 * The service's OpenAPI document, built once at start from every controller Nest registered (a
 * route whose schemas cannot be documented stops the start, like a bad config would), and what
 * `GET /openapi.json` serves: this document, unless the app serves another in its place (the
 * gateway serves the platform's, merged from every service's).
 */
@Injectable()
export class ApiDocument implements OnApplicationBootstrap {
  private own?: OpenApiDocument;
  private replacement?: () => Promise<OpenApiDocument>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly context: ServiceContext,
  ) {}

  onApplicationBootstrap(): void {
    this.ownDocument();
  }

  /** This service's own routes. */
  ownDocument(): OpenApiDocument {
    this.own ??= buildOpenApiDocument(
      {
        title: this.context.name,
        version: this.context.version,
        description: `Every HTTP route of ${this.context.name}, documented from the zod schemas that validate its input.`,
      },
      this.discovery
        .getControllers()
        .flatMap((wrapper) => (wrapper.metatype ? describeControllerRoutes(wrapper.metatype as Type) : [])),
    );
    return this.own;
  }

  /** What `GET /openapi.json` answers. */
  served(): Promise<OpenApiDocument> {
    return this.replacement ? this.replacement() : Promise.resolve(this.ownDocument());
  }

  /** Serves what `source` gives at `GET /openapi.json` instead of {@link ownDocument}. */
  serveInstead(source: () => Promise<OpenApiDocument>): void {
    this.replacement = source;
  }
}

import type { OpenApiDocument } from '@platform/service-kit';

import { mergeDocuments, type PlatformApiDocument, type ServiceApi } from './merge-documents.js';

/** Where the platform document's parts come from. */
export interface ServiceDocuments {
  /** The services the gateway reaches, each with the `/api` segments it routes to it. */
  services(): readonly { readonly service: string; readonly segments: readonly string[] }[];
  /** The service's own `/openapi.json`, from one of its live instances. */
  fetch(service: string, signal: AbortSignal): Promise<OpenApiDocument>;
}

export interface PlatformDocumentOptions {
  /** How long one service may take to give its document before it is named unreachable. */
  readonly timeoutMs?: number;
  /** A document made this recently is served again rather than asked for anew. */
  readonly reuseForMs?: number;
  readonly now?: () => number;
}

export const SERVICE_DOCUMENT_TIMEOUT_MS = 5_000;
export const REUSE_DOCUMENT_FOR_MS = 2_000;

/**
 * The gateway's `GET /openapi.json`: its own document merged with every service's, asked for anew
 * once the last one is 2 s old (a service that started since, or changed, shows at once, and a
 * burst of requests to the gateway is not multiplied into the services). All services are asked at
 * once; one that does not answer in time, or answers something else, is listed as unreachable and
 * the rest are served.
 */
export class PlatformDocument {
  private last?: { readonly at: number; readonly document: Promise<PlatformApiDocument> };
  private readonly timeoutMs: number;
  private readonly reuseForMs: number;
  private readonly now: () => number;

  constructor(
    private readonly gateway: () => ServiceApi,
    private readonly documents: ServiceDocuments,
    options: PlatformDocumentOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? SERVICE_DOCUMENT_TIMEOUT_MS;
    this.reuseForMs = options.reuseForMs ?? REUSE_DOCUMENT_FOR_MS;
    this.now = options.now ?? Date.now;
  }

  /** The merged document: the one being made, or made less than `reuseForMs` ago, else a new one. */
  document(): Promise<PlatformApiDocument> {
    const now = this.now();
    if (this.last && now - this.last.at < this.reuseForMs) return this.last.document;
    const document = this.build();
    this.last = { at: now, document };
    return document;
  }

  private async build(): Promise<PlatformApiDocument> {
    const targets = this.documents.services();
    const results = await Promise.allSettled(
      targets.map((target) => this.documents.fetch(target.service, AbortSignal.timeout(this.timeoutMs))),
    );
    const reached: ServiceApi[] = [];
    const unreachable: { service: string; problem: string }[] = [];
    results.forEach((result, i) => {
      const target = targets[i]!;
      if (result.status === 'fulfilled') reached.push({ ...target, document: result.value });
      else unreachable.push({ service: target.service, problem: problemOf(result.reason) });
    });
    return mergeDocuments(this.gateway(), reached, unreachable);
  }
}

function problemOf(reason: unknown): string {
  const { name, message } = (typeof reason === 'object' && reason !== null ? reason : {}) as {
    name?: unknown;
    message?: unknown;
  };
  if (name === 'TimeoutError') return 'no answer in time';
  return typeof message === 'string' ? message : String(reason);
}

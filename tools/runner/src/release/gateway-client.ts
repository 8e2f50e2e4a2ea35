import os from 'node:os';

import type { Release, ReleaseRequestBody as ReleaseRequest } from '@platform/gateway/releases';

import { isApiError, JsonApi } from '../http-json.js';

/**
 * The gateway's admin API as the release command uses it: its release records (which share of
 * users goes to which version) and its registry view (which instances it would route to). Every
 * name the release command depends on in the gateway is in this file.
 */

export {
  DEFAULT_ANALYSIS,
  RELEASE_RECORD_VERSION,
  RELEASE_STRATEGIES,
  type AnalysisSettings,
  type Release,
  type ReleasePhase,
  type ReleaseRequestBody as ReleaseRequest,
  type ReleaseStrategy,
  type RequestStats as TrafficSample,
} from '@platform/gateway/releases';

/** One instance in `GET /admin/registry`. */
export interface RegistryInstance {
  readonly instanceId: string;
  readonly version: string;
  readonly status: 'up' | 'draining';
}

export class GatewayClient {
  private readonly api: JsonApi;

  /** `actor` names who acts in the release's history (the gateway's `x-actor` header). */
  constructor(baseUrl: string, adminToken: string, actor = localActor()) {
    this.api = new JsonApi({ api: 'the gateway', baseUrl, token: adminToken, headers: { 'x-actor': actor } });
  }

  async releases(): Promise<Release[]> {
    return (await this.api.request<{ releases: Release[] }>('GET', '/admin/releases')).releases;
  }

  /** The service's release record, or undefined if it was never released. */
  async release(service: string): Promise<Release | undefined> {
    try {
      return await this.api.request<Release>('GET', `/admin/releases/${encodeURIComponent(service)}`);
    } catch (error) {
      if (isApiError(error, 404)) return undefined;
      throw error;
    }
  }

  /** Starts a release; 409 while one of the service is still progressing. */
  startRelease(service: string, request: ReleaseRequest): Promise<Release> {
    return this.api.request('PUT', `/admin/releases/${encodeURIComponent(service)}`, request);
  }

  promote(service: string): Promise<Release> {
    return this.api.request('POST', `/admin/releases/${encodeURIComponent(service)}/promote`);
  }

  abort(service: string): Promise<Release> {
    return this.api.request('POST', `/admin/releases/${encodeURIComponent(service)}/abort`);
  }

  /** The service's instances as the gateway sees them now: only these can get its traffic. */
  async registry(service: string): Promise<RegistryInstance[]> {
    const { services } = await this.api.request<{ services: Record<string, RegistryInstance[]> }>(
      'GET',
      '/admin/registry',
    );
    return services[service] ?? [];
  }
}

/** `alice@laptop`: whoever runs the release command, in the characters the gateway accepts. */
export function localActor(): string {
  let user = 'someone';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return `${user}@${os.hostname()}`.replace(/[^\p{L}\p{N} ._@+-]/gu, '-').slice(0, 100);
}

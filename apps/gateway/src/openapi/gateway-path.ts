import { SERVICE_ADMIN_PREFIX } from '../service-admin/service-admin-path.js';

/** Where a client reaches one route of a service through the gateway. */
export interface GatewayPath {
  /** The path to call on the gateway: `/api/users/{id}`, `/admin/services/user-service/admin/shards`. */
  readonly path: string;
  /**
   * `api`: the proxy forwards it, to anyone; `service-admin`: only `/admin/services/...` reaches it,
   * with the admin token (the proxy refuses a service's `/admin`, `/health` and `/metrics`, and routes
   * only the segments the service announces).
   */
  readonly through: 'api' | 'service-admin';
}

/**
 * The gateway path of a service route (`/users/{id}` of user-service, which announces `users`):
 * under `/api` when its first segment is one the gateway routes to this service, else under
 * `/admin/services/<service>`, where the gateway forwards any path of any service it knows.
 */
export function gatewayPathOf(
  servicePath: string,
  service: string,
  segments: readonly string[],
): GatewayPath {
  const first = servicePath.split('/')[1] ?? '';
  if (segments.includes(first)) return { path: `/api${servicePath}`, through: 'api' };
  return { path: `${SERVICE_ADMIN_PREFIX}${service}${servicePath}`, through: 'service-admin' };
}

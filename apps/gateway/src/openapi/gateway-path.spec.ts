import { describe, expect, it } from '@jest/globals';

import { gatewayPathOf } from './gateway-path.js';

describe(gatewayPathOf.name, () => {
  it('puts a route under /api when the gateway routes its first segment to the service', () => {
    expect(gatewayPathOf('/users/{id}', 'user-service', ['users'])).toEqual({
      path: '/api/users/{id}',
      through: 'api',
    });
    expect(gatewayPathOf('/users', 'user-service', ['users'])).toEqual({
      path: '/api/users',
      through: 'api',
    });
  });

  it("puts the service's admin, health, metrics and unrouted routes under /admin/services/<service>", () => {
    for (const path of ['/admin/shards', '/health/ready', '/metrics', '/openapi.json', '/segments/{key}'])
      expect(gatewayPathOf(path, 'flags-service', ['flags'])).toEqual({
        path: `/admin/services/flags-service${path}`,
        through: 'service-admin',
      });
  });

  it('matches whole segments only: /usersettings is not under the users route', () => {
    expect(gatewayPathOf('/usersettings', 'user-service', ['users']).through).toBe('service-admin');
  });
});

import { describe, expect, it } from '@jest/globals';

import { serviceAdminTarget } from './service-admin-path.js';
import { InvalidInstanceError } from './service-admin.errors.js';

describe(serviceAdminTarget.name, () => {
  it('sends the rest of the path to the service', () => {
    expect(serviceAdminTarget('/admin/services/user-service/admin/shards')).toEqual({
      service: 'user-service',
      upstreamPath: '/admin/shards',
    });
    expect(serviceAdminTarget('/admin/services/flags-service/segments/beta-testers')).toEqual({
      service: 'flags-service',
      upstreamPath: '/segments/beta-testers',
    });
    expect(serviceAdminTarget('/admin/services/id-service/')).toEqual({
      service: 'id-service',
      upstreamPath: '/',
    });
  });

  it('keeps the query byte for byte', () => {
    expect(serviceAdminTarget('/admin/services/user-service/users?email=a+b%40example.com&limit=2')).toEqual({
      service: 'user-service',
      upstreamPath: '/users?email=a+b%40example.com&limit=2',
    });
    expect(serviceAdminTarget('/admin/services/user-service/users?')?.upstreamPath).toBe('/users');
  });

  it('takes the instance named in the query out of it', () => {
    expect(serviceAdminTarget('/admin/services/id-service/admin/clock?instance=id-service-2')).toEqual({
      service: 'id-service',
      instance: 'id-service-2',
      upstreamPath: '/admin/clock',
    });
    expect(
      serviceAdminTarget('/admin/services/id-service/admin/faults?a=1&instance=id-service-2&b=%2B'),
    ).toEqual({ service: 'id-service', instance: 'id-service-2', upstreamPath: '/admin/faults?a=1&b=%2B' });
    expect(serviceAdminTarget('/admin/services/id-service/x?%69nstance=id%2Dservice%2D1')?.instance).toBe(
      'id-service-1',
    );
  });

  it('refuses an instance parameter that names no single instance', () => {
    for (const url of [
      '/admin/services/id-service/admin/faults?instance=',
      '/admin/services/id-service/admin/faults?instance',
      '/admin/services/id-service/admin/faults?instance=a&instance=b',
      '/admin/services/id-service/admin/faults?instance=%zz',
    ]) {
      expect(() => serviceAdminTarget(url)).toThrow(InvalidInstanceError);
    }
  });

  it('finds no target without a service and a path after it', () => {
    for (const url of [
      '/admin/services/id-service',
      '/admin/services/',
      '/admin/services//x',
      '/admin/registry',
    ]) {
      expect(serviceAdminTarget(url)).toBeUndefined();
    }
  });
});

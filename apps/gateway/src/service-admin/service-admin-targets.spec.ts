import { describe, expect, it } from '@jest/globals';

import {
  INSTANCE_RECORD_VERSION,
  NoInstancesError,
  toServiceInstance,
  type ServiceInstance,
} from '@platform/discovery';

import { UnknownInstanceError, UnknownServiceError } from './service-admin.errors.js';
import { ServiceAdminTargets } from './service-admin-targets.js';

function instance(service: string, id: string): ServiceInstance {
  return toServiceInstance({
    v: INSTANCE_RECORD_VERSION,
    service,
    instanceId: id,
    host: '127.0.0.1',
    port: 3101,
    version: '0.1.0',
    zone: 'local',
    metadata: {},
    ttlMs: 10_000,
    status: 'up',
    heartbeatAt: Date.now(),
    startedAt: Date.now(),
  });
}

/** Targets over a registry the test changes by editing `live`. */
function targetsOver(live: Map<string, ServiceInstance[]>): ServiceAdminTargets {
  return new ServiceAdminTargets({
    instances: (service) => live.get(service) ?? [],
    snapshot: () => live,
  });
}

function thrown(call: () => void): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe(ServiceAdminTargets.name, () => {
  const live = () =>
    new Map([
      ['id-service', [instance('id-service', 'id-service-1'), instance('id-service', 'id-service-2')]],
      ['user-service', [instance('user-service', 'user-service-1')]],
    ]);

  it('passes a live service, and each of its live instances', () => {
    const targets = targetsOver(live());
    expect(() => targets.check('id-service')).not.toThrow();
    expect(() => targets.check('id-service', 'id-service-2')).not.toThrow();
  });

  it('answers a service the registry never listed with the services it has', () => {
    const error = thrown(() => targetsOver(live()).check('flags'));
    expect(error).toBeInstanceOf(UnknownServiceError);
    expect(error).toMatchObject({
      code: 'unknown_service',
      details: { services: ['id-service', 'user-service'] },
    });
  });

  it('answers an instance the service does not have with its live ones', () => {
    const error = thrown(() => targetsOver(live()).check('id-service', 'id-service-9'));
    expect(error).toBeInstanceOf(UnknownInstanceError);
    expect(error).toMatchObject({ details: { instances: ['id-service-1', 'id-service-2'] } });
  });

  it('says a known service whose instances are all gone is unavailable, not unknown', () => {
    const registry = live();
    const targets = targetsOver(registry);
    targets.learn('flags-service');
    expect(thrown(() => targets.check('flags-service'))).toBeInstanceOf(NoInstancesError);
    expect(targets.services()).toEqual(['flags-service', 'id-service', 'user-service']);
    registry.delete('user-service');
    expect(thrown(() => targets.check('user-service', 'user-service-1'))).toMatchObject({
      code: 'no_instances',
    });
  });
});

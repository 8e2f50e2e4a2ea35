import { describe, expect, it } from '@jest/globals';

import type { InstanceView } from '../control/control-api.js';
import type { ReleasePhase, ReleaseStrategy } from './gateway-client.js';
import { blueGreenTrack, planReconcile } from './release-plan.js';

let port = 3200;
function instance(
  n: number,
  version: string,
  track = 'stable',
  state: InstanceView['state'] = 'ready',
): InstanceView {
  port++;
  return {
    service: 'user-service',
    instanceId: `user-service-${n}`,
    version,
    track,
    pid: 1000 + n,
    port,
    url: `http://127.0.0.1:${port}`,
    state,
    logFile: `/tmp/user-service-${n}.log`,
  };
}

function release(strategy: ReleaseStrategy, phase: ReleasePhase) {
  return { service: 'user-service', strategy, stable: '0.1.0', candidate: '0.2.0', phase };
}

const ids = (instances: readonly InstanceView[]) => instances.map((i) => i.instanceId);

describe(planReconcile.name, () => {
  const stable = [instance(1, '0.1.0'), instance(2, '0.1.0')];

  it('decides nothing while the release is still progressing', () => {
    expect(planReconcile([...stable, instance(3, '0.2.0', 'canary')], release('canary', 'progressing'))).toBe(
      undefined,
    );
  });

  it('after a promoted canary, starts the old count of the new version on the stable track, then stops the old and the canary', () => {
    const plan = planReconcile([...stable, instance(3, '0.2.0', 'canary')], release('canary', 'promoted'))!;
    expect(plan.start).toEqual({ version: '0.2.0', track: 'stable', count: 2 });
    expect(ids(plan.stop)).toEqual(['user-service-1', 'user-service-2', 'user-service-3']);
    expect(plan.version).toBe('0.2.0');
  });

  it('replaces the canary instances by stable ones after a promotion, keeping as many if there were more', () => {
    const plan = planReconcile(
      [instance(1, '0.1.0'), instance(2, '0.2.0', 'canary'), instance(3, '0.2.0', 'canary')],
      release('canary', 'promoted'),
    )!;
    expect(plan.start).toEqual({ version: '0.2.0', track: 'stable', count: 2 });
    expect(ids(plan.stop)).toEqual(['user-service-1', 'user-service-2', 'user-service-3']);
  });

  it('leaves no canary beside the stable instances of the same version once they are up', () => {
    const plan = planReconcile(
      [
        instance(1, '0.1.0'),
        instance(2, '0.1.0'),
        instance(3, '0.2.0', 'canary'),
        instance(4, '0.2.0'),
        instance(5, '0.2.0'),
      ],
      release('canary', 'promoted'),
    )!;
    expect(plan.start).toBe(null);
    expect(ids(plan.stop)).toEqual(['user-service-1', 'user-service-2', 'user-service-3']);
  });

  it.each(['rolled-back', 'aborted'] as const)(
    'after a %s canary, stops the canary instances only',
    (phase) => {
      const plan = planReconcile([...stable, instance(3, '0.2.0', 'canary')], release('canary', phase))!;
      expect(plan).toEqual({
        start: null,
        stop: [expect.objectContaining({ instanceId: 'user-service-3' })],
        version: '0.1.0',
      });
    },
  );

  it('after a blue-green promotion, stops the old colour; after an abort, the new one', () => {
    const instances = [
      instance(1, '0.1.0', 'blue'),
      instance(2, '0.1.0', 'blue'),
      instance(3, '0.2.0', 'green'),
      instance(4, '0.2.0', 'green'),
    ];
    const promoted = planReconcile(instances, release('blue-green', 'promoted'))!;
    expect(promoted.start).toBe(null);
    expect(ids(promoted.stop)).toEqual(['user-service-1', 'user-service-2']);
    const aborted = planReconcile(instances, release('blue-green', 'aborted'))!;
    expect(aborted.start).toBe(null);
    expect(ids(aborted.stop)).toEqual(['user-service-3', 'user-service-4']);
  });

  it('tops up a blue-green promotion on the new colour if a new instance went missing', () => {
    const plan = planReconcile(
      [instance(1, '0.1.0'), instance(2, '0.1.0'), instance(3, '0.2.0', 'green')],
      release('blue-green', 'promoted'),
    )!;
    expect(plan.start).toEqual({ version: '0.2.0', track: 'green', count: 1 });
  });

  it('undoes a rolling release aborted halfway by putting back as many old instances as it replaced', () => {
    const plan = planReconcile([instance(2, '0.1.0'), instance(3, '0.2.0')], release('rolling', 'aborted'))!;
    expect(plan.start).toEqual({ version: '0.1.0', track: 'stable', count: 1 });
    expect(ids(plan.stop)).toEqual(['user-service-3']);
    expect(plan.version).toBe('0.1.0');
  });

  it('finishes a rolling release promoted halfway: the rest are replaced, the count stays', () => {
    const plan = planReconcile(
      [instance(2, '0.1.0'), instance(3, '0.1.0'), instance(4, '0.2.0')],
      release('rolling', 'promoted'),
    )!;
    expect(plan.start).toEqual({ version: '0.2.0', track: 'stable', count: 2 });
    expect(ids(plan.stop)).toEqual(['user-service-2', 'user-service-3']);
  });

  it('never leaves a service with no instance, even if someone stopped every stable one', () => {
    const plan = planReconcile([instance(3, '0.2.0', 'canary')], release('canary', 'rolled-back'))!;
    expect(plan.start).toEqual({ version: '0.1.0', track: 'stable', count: 1 });
    expect(ids(plan.stop)).toEqual(['user-service-3']);
  });

  it('has nothing to do once the instances match, and ignores instances already stopping and other services', () => {
    const other = { ...instance(9, '0.2.0', 'canary'), service: 'id-service', instanceId: 'id-service-9' };
    const plan = planReconcile(
      [instance(1, '0.2.0'), instance(2, '0.2.0'), instance(3, '0.1.0', 'stable', 'stopping'), other],
      release('canary', 'promoted'),
    );
    expect(plan).toEqual({ start: null, stop: [], version: '0.2.0' });
  });
});

describe(blueGreenTrack.name, () => {
  it('puts the new side on the other colour', () => {
    expect(blueGreenTrack([instance(1, '0.1.0', 'stable')])).toBe('green');
    expect(blueGreenTrack([instance(1, '0.1.0', 'blue')])).toBe('green');
    expect(blueGreenTrack([instance(1, '0.1.0', 'green'), instance(2, '0.1.0', 'green')])).toBe('blue');
  });
});

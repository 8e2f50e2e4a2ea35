import { describe, expect, it } from '@jest/globals';

import type { InstanceView } from '../control/control-api.js';
import type { Workspace } from './affected-services.js';
import { describeFiles, DevLoop } from './dev-loop.js';
import type { RollResult } from './instance-roller.js';
import type { BuildResult } from './workspace-build.js';

const WORKSPACES: Workspace[] = [
  { dir: 'packages/ids', name: '@platform/ids', dependencies: [] },
  { dir: 'packages/kit', name: '@platform/kit', dependencies: [] },
  { dir: 'packages/testing', name: '@platform/testing', dependencies: [] },
  { dir: 'apps/id-service', name: '@platform/id-service', dependencies: ['@platform/ids', '@platform/kit'] },
  { dir: 'apps/flags-service', name: '@platform/flags-service', dependencies: ['@platform/kit'] },
  { dir: 'apps/gateway', name: '@platform/gateway', dependencies: ['@platform/kit'] },
];
const SERVICES = ['id-service', 'flags-service', 'gateway'].map((name) => ({
  name,
  main: `apps/${name}/dist/main.js`,
}));

const instance = (instanceId: string) => ({ instanceId }) as InstanceView;

/** A loop whose builds and rolls are recorded and held until released, one by one. */
function harness(buildOk = true) {
  const lines: string[] = [];
  const printed: string[] = [];
  const builds: string[][] = [];
  const rolls: string[] = [];
  const held: (() => void)[] = [];
  const hold = () => new Promise<void>((resolve) => held.push(resolve));
  const loop = new DevLoop({
    workspaces: WORKSPACES,
    services: SERVICES,
    edgeService: 'gateway',
    build: async (packages): Promise<BuildResult> => {
      builds.push([...packages]);
      await hold();
      return buildOk
        ? { ok: true, ms: 1_200, tasks: 3, cached: 2, output: '' }
        : {
            ok: false,
            ms: 900,
            tasks: undefined,
            cached: undefined,
            output: 'src/main.ts(3,1): error TS1005\n',
          };
    },
    roll: async (service): Promise<RollResult> => {
      rolls.push(service);
      await hold();
      return {
        service,
        replaced: [instance(`${service}-1`)],
        started: [instance(`${service}-2`)],
        kept: [],
        ms: 3_000,
      };
    },
    say: (line) => lines.push(line),
    sayBuildOutput: (output) => printed.push(output),
  });
  /** Lets the build or roll under way finish, and waits for the loop to reach the next one. */
  const release = async () => {
    held.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { loop, lines, printed, builds, rolls, release };
}

const batch = (...files: string[]) => ({
  workspaces: new Set(files.map((file) => file.split('/').slice(0, 2).join('/'))),
  files,
});

describe(DevLoop.name, () => {
  it('builds the services a change reaches, then replaces them one service after another', async () => {
    const { loop, lines, builds, rolls, release } = harness();
    loop.changed(batch('packages/kit/src/config.ts'));
    expect(builds).toEqual([['@platform/id-service', '@platform/flags-service', '@platform/gateway']]);
    await release();
    expect(rolls).toEqual(['id-service']);
    await release();
    expect(rolls).toEqual(['id-service', 'flags-service']);
    await release();
    await loop.idle();
    expect(lines[0]).toBe(
      'changed packages/kit/src/config.ts: rebuilding id-service, flags-service, gateway',
    );
    expect(lines[1]).toBe("built in 1.2 s (1 of 3 workspace build(s) ran, 2 from turbo's cache)");
    expect(lines).toContainEqual(expect.stringMatching(/^gateway: built, but not replaced: it is the edge/));
    expect(lines.at(-1)).toMatch(/^done in \d+\.\d s \(build 1\.2 s, 2 instance\(s\) replaced\); watching/);
    expect(loop.outcomes.map((outcome) => outcome.kind)).toEqual(['done']);
  });

  it('never replaces the gateway, which the runner keeps for the whole run', async () => {
    const { loop, rolls, release } = harness();
    loop.changed(batch('apps/gateway/src/main.ts'));
    await release();
    await loop.idle();
    expect(rolls).toEqual([]);
  });

  it('replaces nothing after a failed build, and prints the compiler errors', async () => {
    const { loop, lines, printed, rolls, release } = harness(false);
    loop.changed(batch('apps/id-service/src/main.ts'));
    await release();
    await loop.idle();
    expect(rolls).toEqual([]);
    expect(printed).toEqual(['src/main.ts(3,1): error TS1005']);
    expect(lines.at(-1)).toBe(
      'build failed after 0.9 s; every instance keeps running the previous build. Save a fix to try again',
    );
  });

  it('builds nothing for code no service runs', async () => {
    const { loop, lines, builds } = harness();
    loop.changed(batch('packages/testing/src/fixture.ts'));
    await loop.idle();
    expect(builds).toEqual([]);
    expect(lines).toEqual([
      'changed packages/testing/src/fixture.ts: no service runs this code; nothing to rebuild',
    ]);
  });

  it('gathers changes made during a cycle into one next cycle, never two builds at once', async () => {
    const { loop, builds, rolls, release } = harness();
    loop.changed(batch('apps/id-service/src/main.ts'));
    loop.changed(batch('apps/flags-service/src/main.ts'));
    loop.changed(batch('packages/ids/src/ulid.ts'));
    expect(builds).toHaveLength(1);
    await release(); // first build
    await release(); // id-service roll
    expect(builds).toEqual([['@platform/id-service'], ['@platform/id-service', '@platform/flags-service']]);
    await release(); // second build
    await release();
    await release();
    await loop.idle();
    expect(rolls).toEqual(['id-service', 'id-service', 'flags-service']);
  });

  it('when stopped, cuts the build short, rolls nothing and starts no further cycle', async () => {
    const { loop, rolls, release } = harness();
    loop.changed(batch('apps/id-service/src/main.ts'));
    const stopped = loop.stop();
    loop.changed(batch('apps/flags-service/src/main.ts'));
    await release();
    await stopped;
    expect(rolls).toEqual([]);
    expect(loop.outcomes.map((outcome) => outcome.kind)).toEqual(['stopped']);
  });

  it('reports a roll that stopped early: which instances run the new build, which the previous one', async () => {
    const lines: string[] = [];
    const loop = new DevLoop({
      workspaces: WORKSPACES,
      services: SERVICES,
      edgeService: 'gateway',
      build: () => Promise.resolve({ ok: true, ms: 1_000, tasks: 1, cached: 0, output: '' }),
      roll: (service) =>
        Promise.resolve({
          service,
          replaced: [instance('id-service-1')],
          started: [instance('id-service-3')],
          kept: [instance('id-service-2')],
          ms: 5_000,
          stoppedEarly: 'could not start id-service 0.1.0: id-service-4 exited while starting',
        }),
      say: (line) => lines.push(line),
      sayBuildOutput: () => undefined,
    });
    loop.changed(batch('apps/id-service/src/main.ts'));
    await loop.idle();
    expect(lines).toContain(
      'id-service: stopped replacing instances: could not start id-service 0.1.0: id-service-4 exited while ' +
        'starting. id-service-3 run(s) the new build; id-service-2 keep(s) running the previous one',
    );
  });
});

describe(describeFiles.name, () => {
  it('names a single file, or counts them by workspace', () => {
    expect(describeFiles(['apps/id-service/src/main.ts'])).toBe('apps/id-service/src/main.ts');
    expect(
      describeFiles(['apps/id-service/src/a.ts', 'apps/id-service/src/b.ts', 'packages/ids/src/c.ts']),
    ).toBe('3 files in apps/id-service, packages/ids');
  });
});

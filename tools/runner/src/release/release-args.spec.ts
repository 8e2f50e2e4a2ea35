import { describe, expect, it } from '@jest/globals';

import { parseReleaseArgs, parseSteps, UsageError } from './release-args.js';

const start = (...args: string[]) => parseReleaseArgs(['start', 'user-service', ...args]);

describe(parseReleaseArgs.name, () => {
  it('reads a canary release with every option', () => {
    expect(
      start(
        '--strategy',
        'canary',
        '--version',
        '0.2.0',
        '--canary-instances',
        '2',
        '--steps',
        '5,50,100',
        '--interval-ms=2000',
        '--latency-tolerance-ms',
        '150',
        '--no-auto',
        '--no-wait',
      ),
    ).toEqual({
      kind: 'start',
      service: 'user-service',
      strategy: 'canary',
      version: '0.2.0',
      canaryInstances: 2,
      steps: [5, 50, 100],
      intervalMs: 2000,
      latencyToleranceMs: 150,
      automatic: false,
      wait: false,
    });
  });

  it("leaves steps and interval to the gateway's defaults, with one canary instance, automatic, waiting", () => {
    expect(start('--strategy', 'canary', '--version', '0.2.0')).toEqual({
      kind: 'start',
      service: 'user-service',
      strategy: 'canary',
      version: '0.2.0',
      canaryInstances: 1,
      automatic: true,
      wait: true,
    });
    expect(start('--version', '1.0.0-rc.1', '--strategy', 'rolling')).toMatchObject({
      strategy: 'rolling',
      version: '1.0.0-rc.1',
    });
  });

  it('reads status, promote and abort', () => {
    expect(parseReleaseArgs(['status'])).toEqual({ kind: 'status', json: false });
    expect(parseReleaseArgs(['status', 'id-service', '--json'])).toEqual({
      kind: 'status',
      service: 'id-service',
      json: true,
    });
    expect(parseReleaseArgs(['promote', 'flags-service'])).toEqual({
      kind: 'promote',
      service: 'flags-service',
    });
    expect(parseReleaseArgs(['abort', 'user-service'])).toEqual({ kind: 'abort', service: 'user-service' });
  });

  it.each([
    [[], 'release needs a subcommand'],
    [['deploy'], 'unknown release subcommand "deploy"'],
    [['start'], 'release start takes one service'],
    [['start', 'user-service', 'id-service', '--strategy', 'rolling', '--version', '1'], 'takes one service'],
    [['start', 'gateway', '--strategy', 'rolling', '--version', '1'], 'the gateway is the edge'],
    [
      ['start', 'billing-service', '--strategy', 'rolling', '--version', '1'],
      'unknown service "billing-service"',
    ],
    [['start', 'user-service', '--version', '0.2.0'], '--strategy is required: rolling, blue-green, canary'],
    [['start', 'user-service', '--strategy', 'big-bang', '--version', '1'], 'got "big-bang"'],
    [['start', 'user-service', '--strategy', 'rolling'], '--version is required'],
    [
      ['start', 'user-service', '--strategy', 'rolling', '--version', '../x'],
      'is not a version services accept',
    ],
    [
      ['start', 'user-service', '--strategy', 'rolling', '--version', '1', '--steps', '50,100'],
      '--steps applies',
    ],
    [
      ['start', 'user-service', '--strategy', 'blue-green', '--version', '1', '--no-auto'],
      '--no-auto applies',
    ],
    [
      ['start', 'user-service', '--strategy', 'rolling', '--version', '1', '--no-wait'],
      'rolling release finishes',
    ],
    [
      ['start', 'user-service', '--strategy', 'canary', '--version', '1', '--canary-instances', '0'],
      'from 1 to 20',
    ],
    [
      ['start', 'user-service', '--strategy', 'canary', '--version', '1', '--interval-ms', '5s'],
      'from 200 to',
    ],
    [
      ['start', 'user-service', '--strategy', 'canary', '--version', '1', '--latency-tolerance-ms', '1.5'],
      'from 0 to 60000',
    ],
    [
      ['start', 'user-service', '--strategy', 'blue-green', '--version', '1', '--latency-tolerance-ms', '50'],
      '--latency-tolerance-ms applies to --strategy canary only',
    ],
    [
      ['start', 'user-service', '--strategy', 'canary', '--version', '1', '--colour', 'red'],
      "Unknown option '--colour'",
    ],
    [['status', 'a', 'b'], 'at most one service'],
    [['promote'], 'release promote takes one service'],
    [['abort', 'gateway'], 'the gateway is the edge; releasing it is not supported'],
  ])('refuses %j as a usage error: %s', (args, message) => {
    expect(() => parseReleaseArgs(args)).toThrow(UsageError);
    expect(() => parseReleaseArgs(args)).toThrow(message);
  });
});

describe(parseSteps.name, () => {
  it('reads rising whole percentages that end with everyone on the new version', () => {
    expect(parseSteps('10, 25,50,100')).toEqual([10, 25, 50, 100]);
    expect(parseSteps('100')).toEqual([100]);
  });

  it.each([
    ['10,25,50', 'the last step must be 100'],
    ['50,25,100', 'the steps must rise'],
    ['10,10,100', 'the steps must rise'],
    ['0,100', 'whole percentage from 1 to 100'],
    ['10,101', 'whole percentage from 1 to 100'],
    ['12.5,100', 'whole percentage from 1 to 100'],
    ['', 'whole percentage from 1 to 100'],
  ])('refuses "%s": %s', (value, message) => {
    expect(() => parseSteps(value)).toThrow(message);
  });
});

import { describe, expect, it } from '@jest/globals';

import { parseChaosArgs } from './chaos-args.js';

const KNOWN = ['hostile-edge', 'kafka-broker'];

describe(parseChaosArgs.name, () => {
  it('runs everything, long, without options', () => {
    expect(parseChaosArgs([], KNOWN)).toEqual({ short: false, only: undefined, json: undefined });
  });

  it('takes --short, a list for --only and a file for --json', () => {
    expect(
      parseChaosArgs(['--short', '--only', 'kafka-broker, hostile-edge', '--json', 'out.json'], KNOWN),
    ).toEqual({
      short: true,
      only: ['kafka-broker', 'hostile-edge'],
      json: 'out.json',
    });
  });

  it('refuses an unknown scenario, naming the known ones', () => {
    expect(() => parseChaosArgs(['--only', 'kafka'], KNOWN)).toThrow(
      'unknown scenario kafka; the scenarios are hostile-edge, kafka-broker',
    );
    expect(() => parseChaosArgs(['--only', ','], KNOWN)).toThrow('--only needs at least one scenario name');
    expect(() => parseChaosArgs(['--fast'], KNOWN)).toThrow();
  });
});

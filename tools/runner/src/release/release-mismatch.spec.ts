import { describe, expect, it } from '@jest/globals';

import { DEFAULT_ANALYSIS, RELEASE_RECORD_VERSION, type Release } from './gateway-client.js';
import { formatMismatch, releaseMismatches } from './release-mismatch.js';

function release(change: Partial<Release>): Release {
  const at = '2026-12-01T00:00:00.000Z';
  return {
    v: RELEASE_RECORD_VERSION,
    service: 'id-service',
    strategy: 'canary',
    stable: '0.1.0',
    candidate: '0.2.0',
    phase: 'promoted',
    weight: 100,
    steps: [10, 25, 50, 100],
    analysis: DEFAULT_ANALYSIS,
    lastAnalysis: null,
    history: [],
    revision: 3,
    coordinator: 'gateway-1',
    startedAt: at,
    updatedAt: at,
    ...change,
  };
}

const running = (...versions: string[]) => versions.map((version) => ({ service: 'id-service', version }));

describe(releaseMismatches.name, () => {
  it('finds a promoted release whose version no instance runs, as after a restart at the old version', () => {
    const [mismatch, ...rest] = releaseMismatches([release({})], running('0.1.0', '0.1.0'));
    expect(rest).toEqual([]);
    expect(mismatch).toEqual({
      service: 'id-service',
      version: '0.2.0',
      share: 'every request',
      release: 'promoted canary release 0.1.0 → 0.2.0',
      running: '0.1.0 ×2',
      fix: 'npm run release -- start id-service --strategy rolling --version 0.2.0',
    });
    expect(formatMismatch(mismatch!)).toBe(
      "id-service: the gateway's promoted canary release 0.1.0 → 0.2.0 sends every request to 0.2.0, but no " +
        'instance runs it (running: 0.1.0 ×2); those requests fail. Fix: npm run release -- start id-service ' +
        '--strategy rolling --version 0.2.0',
    );
  });

  it('finds a canary in progress without its canary instance, and advises the abort', () => {
    const mismatches = releaseMismatches([release({ phase: 'progressing', weight: 10 })], running('0.1.0'));
    expect(mismatches).toEqual([
      expect.objectContaining({
        version: '0.2.0',
        share: '10% of users',
        fix: 'npm run release -- abort id-service',
      }),
    ]);
  });

  it('finds nothing when the pinned versions run, for rolling releases, or for other services', () => {
    expect(releaseMismatches([release({})], running('0.2.0', '0.2.0'))).toEqual([]);
    expect(releaseMismatches([release({ phase: 'aborted', weight: 0 })], running('0.1.0'))).toEqual([]);
    expect(releaseMismatches([release({ strategy: 'rolling' })], running('0.1.0'))).toEqual([]);
    expect(releaseMismatches([release({ service: 'user-service' })], running('0.1.0'))).toHaveLength(1);
  });
});

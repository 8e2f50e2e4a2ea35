import { describe, expect, it } from '@jest/globals';

import { explainMissingVersion, fixForMissingVersion, pinnedVersions } from './release-coverage.js';
import { DEFAULT_ANALYSIS, RELEASE_RECORD_VERSION, type Release } from './release.js';

function release(change: Partial<Release> = {}): Release {
  const at = '2026-12-01T00:00:00.000Z';
  return {
    v: RELEASE_RECORD_VERSION,
    service: 'id-service',
    strategy: 'canary',
    stable: '0.1.0',
    candidate: '0.2.0',
    phase: 'progressing',
    weight: 10,
    steps: [10, 25, 50, 100],
    analysis: DEFAULT_ANALYSIS,
    lastAnalysis: null,
    history: [],
    revision: 1,
    coordinator: 'gateway-1',
    startedAt: at,
    updatedAt: at,
    ...change,
  };
}

const versions = (of: Release) => pinnedVersions(of).map((p) => `${p.version} ${p.share}`);

describe(pinnedVersions.name, () => {
  it('needs both versions while a canary progresses, only the winner once it has ended', () => {
    expect(versions(release())).toEqual(['0.1.0 90% of users', '0.2.0 10% of users']);
    expect(versions(release({ phase: 'promoted', weight: 100 }))).toEqual(['0.2.0 every request']);
    expect(versions(release({ phase: 'aborted', weight: 0 }))).toEqual(['0.1.0 every request']);
    expect(versions(release({ phase: 'rolled-back', weight: 0 }))).toEqual(['0.1.0 every request']);
  });

  it('needs the candidate only in a blue-green switch, and nothing in a rolling release', () => {
    expect(versions(release({ strategy: 'blue-green', weight: 100 }))).toEqual(['0.2.0 every request']);
    expect(versions(release({ strategy: 'rolling', weight: 0 }))).toEqual([]);
    expect(versions(release({ strategy: 'rolling', phase: 'promoted' }))).toEqual([]);
  });
});

describe(fixForMissingVersion.name, () => {
  it('ends a release in progress towards the side that runs, and releases an ended one’s winner again', () => {
    expect(fixForMissingVersion(release(), '0.2.0')).toBe('npm run release -- abort id-service');
    expect(fixForMissingVersion(release(), '0.1.0')).toBe('npm run release -- promote id-service');
    expect(fixForMissingVersion(release({ phase: 'promoted' }), '0.2.0')).toBe(
      'npm run release -- start id-service --strategy rolling --version 0.2.0',
    );
  });
});

describe(explainMissingVersion.name, () => {
  it('says which release pins the version, to whom, and the command that fixes it', () => {
    expect(explainMissingVersion(release({ phase: 'promoted', weight: 100 }), '0.2.0')).toBe(
      'no live instance of id-service at version 0.2.0 is in the registry, and its promoted canary ' +
        'release 0.1.0 → 0.2.0 sends every request there; run id-service at 0.2.0 again: ' +
        'npm run release -- start id-service --strategy rolling --version 0.2.0 (npm run status shows what runs)',
    );
    expect(explainMissingVersion(release(), '0.2.0')).toContain(
      'sends 10% of users there; end the release towards the version that runs: npm run release -- abort id-service',
    );
  });
});

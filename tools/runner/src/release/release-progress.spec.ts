import { describe, expect, it } from '@jest/globals';

import { DEFAULT_ANALYSIS, RELEASE_RECORD_VERSION, type Release } from './gateway-client.js';
import {
  describeChanges,
  formatAnalysis,
  formatSample,
  renderRelease,
  starvedCanary,
} from './release-progress.js';

const release: Release = {
  v: RELEASE_RECORD_VERSION,
  coordinator: 'gateway-1',
  service: 'user-service',
  strategy: 'canary',
  stable: '0.1.0',
  candidate: '0.2.0',
  phase: 'progressing',
  weight: 25,
  steps: [10, 25, 50, 100],
  analysis: DEFAULT_ANALYSIS,
  lastAnalysis: {
    at: '2026-01-01T00:00:20.000Z',
    stable: { requests: 1204, errors: 3, errorRate: 0.0025, p95Ms: 12.4 },
    candidate: { requests: 310, errors: 0, errorRate: 0, p95Ms: 13 },
    verdict: 'promote',
    reason: 'candidate within limits',
  },
  history: [
    { at: '2026-01-01T00:00:00.000Z', phase: 'progressing', weight: 10, reason: 'started' },
    { at: '2026-01-01T00:00:20.000Z', phase: 'progressing', weight: 25, reason: 'candidate within limits' },
  ],
  revision: 2,
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:20.000Z',
};

describe(formatAnalysis.name, () => {
  it('puts both versions side by side: requests, error share and p95', () => {
    expect(formatAnalysis(release)).toBe(
      'canary 25% · stable 1,204 req 0.2% err p95 12 ms · canary 310 req 0.0% err p95 13 ms → promote: ' +
        'candidate within limits',
    );
  });

  it('shows a version without traffic as such rather than dividing by zero', () => {
    expect(formatSample('canary', { requests: 0, errors: 0, errorRate: 0, p95Ms: null })).toBe(
      'canary 0 req 0.0% err p95 -',
    );
    expect(formatAnalysis({ ...release, lastAnalysis: null })).toBe('canary 25% · no analysis yet');
  });
});

describe(describeChanges.name, () => {
  it('prints a new analysis at the weight it judged, then each new history entry once', () => {
    const before = { ...release, weight: 10, history: release.history.slice(0, 1), lastAnalysis: null };
    expect(describeChanges(before, release)).toEqual([
      formatAnalysis({ ...release, weight: 10 }),
      'user-service: progressing · 25% of users on 0.2.0 · candidate within limits',
    ]);
    expect(describeChanges(before, release)[0]).toMatch(/^canary 10% · stable 1,204 req/);
    expect(describeChanges(release, release)).toEqual([]);
  });

  it('still finds the new entries once the gateway drops the oldest ones to keep its history short', () => {
    const promoted = {
      at: '2026-01-01T00:00:40.000Z',
      phase: 'promoted' as const,
      weight: 100,
      reason: 'all good',
    };
    const next = { ...release, history: [release.history[1]!, promoted] }; // as many entries as before
    expect(describeChanges(release, next)).toEqual([
      'user-service: promoted · 100% of users on 0.2.0 · all good',
    ]);
  });
});

describe(renderRelease.name, () => {
  it('shows the release, its last analysis, the instances per version and what to do next', () => {
    const text = renderRelease(
      release,
      [
        {
          service: 'user-service',
          instanceId: 'user-service-1',
          version: '0.1.0',
          track: 'stable',
          pid: 1,
          port: 3201,
          url: 'http://127.0.0.1:3201',
          state: 'ready',
          logFile: '/tmp/1.log',
        },
        {
          service: 'user-service',
          instanceId: 'user-service-3',
          version: '0.2.0',
          track: 'canary',
          pid: 3,
          port: 3203,
          url: 'http://127.0.0.1:3203',
          state: 'ready',
          logFile: '/tmp/3.log',
        },
      ],
      Date.parse('2026-01-01T00:01:00.000Z'),
    );
    expect(text.split('\n')).toEqual([
      'user-service  canary 0.1.0 → 0.2.0  progressing  25% on 0.2.0',
      '  started   2026-01-01T00:00:00.000Z (60 s ago), revision 2, steps 10,25,50,100',
      `  analysis  2026-01-01T00:00:20.000Z: ${formatAnalysis(release)}`,
      '  instances 0.1.0 stable ×1 (user-service-1) · 0.2.0 canary ×1 (user-service-3)',
      '  history   2026-01-01T00:00:00.000Z progressing 10% · started',
      '  history   2026-01-01T00:00:20.000Z progressing 25% · candidate within limits',
      '  next      npm run release -- promote user-service   or   npm run release -- abort user-service',
      '',
    ]);
  });

  it('says how to bring the instances in line with a release that ended while nobody waited on it', () => {
    const canary = {
      service: 'user-service',
      instanceId: 'user-service-3',
      version: '0.2.0',
      track: 'canary',
      pid: 3,
      port: 3203,
      url: 'http://127.0.0.1:3203',
      state: 'ready' as const,
      logFile: '/tmp/3.log',
    };
    const stable = { ...canary, instanceId: 'user-service-1', version: '0.1.0', track: 'stable' };
    const rolledBack = { ...release, phase: 'rolled-back' as const, weight: 0 };
    expect(renderRelease(rolledBack, [stable, canary])).toContain(
      '  next      npm run release -- abort user-service brings the instances in line',
    );
    expect(renderRelease(rolledBack, [stable])).not.toContain('next');
  });
});

describe(starvedCanary.name, () => {
  const idle = { requests: 0, errors: 0, errorRate: 0, p95Ms: null };
  const waiting = (candidate: typeof idle, stable: typeof idle): Release => ({
    ...release,
    weight: 10,
    lastAnalysis: {
      at: '2026-01-01T00:00:30.000Z',
      stable,
      candidate,
      verdict: 'wait',
      reason: 'not enough',
    },
  });

  it('says a canary with no traffic stays at its weight until there is some, and how to end it by hand', () => {
    expect(starvedCanary(waiting(idle, idle))).toBe(
      'no traffic: 0 canary and 0 stable request(s) in the last window, 20 of each needed to judge; it stays ' +
        'at 10% until there are, or until npm run release -- promote|abort user-service',
    );
    expect(renderRelease(waiting(idle, idle), [])).toContain('  waiting   no traffic: 0 canary');
    expect(starvedCanary(waiting({ ...idle, requests: 3 }, { ...idle, requests: 40 }))).toMatch(
      /^too little traffic: 3 canary and 40 stable/,
    );
  });

  it('says nothing when the canary had enough requests, or waits for a person anyway', () => {
    expect(starvedCanary(release)).toBe(undefined);
    expect(
      starvedCanary({ ...waiting(idle, idle), analysis: { ...DEFAULT_ANALYSIS, automatic: false } }),
    ).toBe(undefined);
  });
});

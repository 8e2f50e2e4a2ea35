import type { InstanceView } from '../control/control-api.js';
import type { Release, TrafficSample } from './gateway-client.js';
import { planReconcile } from './release-plan.js';

/**
 * The lines a release prints: one per event, in words and numbers a person watching can act on.
 * Plain functions of the data, so the wording is tested without a platform.
 */

/** What a person can do about a release in progress. */
export function nextSteps(service: string): string {
  return `npm run release -- status|promote|abort ${service}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What the candidate side is called while the release runs. */
export function candidateLabel(release: Pick<Release, 'strategy'>): string {
  return release.strategy === 'canary' ? 'canary' : 'candidate';
}

/** `stable 1,204 req 0.2% err p95 12 ms`. */
export function formatSample(label: string, sample: TrafficSample): string {
  const errorPercent = sample.requests > 0 ? (100 * sample.errors) / sample.requests : 0;
  const p95 = sample.p95Ms === null ? '-' : `${Math.round(sample.p95Ms)} ms`;
  return `${label} ${sample.requests.toLocaleString('en-US')} req ${errorPercent.toFixed(1)}% err p95 ${p95}`;
}

/** `canary 25% · stable 1,204 req 0.2% err p95 12 ms · canary 310 req 0.0% err p95 13 ms → wait: ...`. */
export function formatAnalysis(release: Release): string {
  const label = candidateLabel(release);
  const head = `${label} ${release.weight}%`;
  const analysis = release.lastAnalysis;
  if (!analysis) return `${head} · no analysis yet`;
  return [
    head,
    formatSample('stable', analysis.stable),
    `${formatSample(label, analysis.candidate)} → ${analysis.verdict}: ${analysis.reason}`,
  ].join(' · ');
}

/**
 * What happened between two looks at the same release: a new analysis (at the weight it judged),
 * then what the gateway did about it (the history entries after the last one seen; the gateway
 * keeps only the latest entries, so counting them would not do).
 */
export function describeChanges(previous: Release | undefined, next: Release): string[] {
  const lines: string[] = [];
  if (next.lastAnalysis && next.lastAnalysis.at !== previous?.lastAnalysis?.at) {
    lines.push(formatAnalysis({ ...next, weight: previous?.weight ?? next.weight }));
  }
  const last = previous?.history.at(-1);
  const from = last ? next.history.findLastIndex((e) => e.at === last.at && e.reason === last.reason) + 1 : 0;
  for (const entry of next.history.slice(from)) {
    const reason = entry.reason ? ` · ${entry.reason}` : '';
    lines.push(`${next.service}: ${entry.phase} · ${entry.weight}% of users on ${next.candidate}${reason}`);
  }
  return lines;
}

/** Why the release ended the way it did: the reason of its last history entry. */
export function endReason(release: Release): string {
  return release.history.at(-1)?.reason || release.phase;
}

/**
 * Why a canary in progress stands still, when it is for want of traffic: the analysis judges only
 * windows with `minRequests` on each side, so without traffic it waits at its weight for ever.
 */
export function starvedCanary(release: Release): string | undefined {
  const analysis = release.lastAnalysis;
  if (release.strategy !== 'canary' || release.phase !== 'progressing' || !analysis) return undefined;
  if (release.analysis.automatic === false || analysis.verdict !== 'wait') return undefined;
  const { minRequests } = release.analysis;
  const { candidate, stable } = analysis;
  if (candidate.requests >= minRequests && stable.requests >= minRequests) return undefined;
  const what = candidate.requests + stable.requests === 0 ? 'no traffic' : 'too little traffic';
  return (
    `${what}: ${candidate.requests} canary and ${stable.requests} stable request(s) in the last window, ` +
    `${minRequests} of each needed to judge; it stays at ${release.weight}% until there are, or until ` +
    `npm run release -- promote|abort ${release.service}`
  );
}

/** `0.1.0 stable ×2 (user-service-1, user-service-2) · 0.2.0 canary ×1 (user-service-3)`. */
export function formatInstances(instances: readonly InstanceView[]): string {
  if (instances.length === 0) return 'no running instances';
  const groups = new Map<string, string[]>();
  for (const instance of instances) {
    const key = `${instance.version} ${instance.track}`;
    groups.set(key, [...(groups.get(key) ?? []), instance.instanceId]);
  }
  return [...groups].map(([key, ids]) => `${key} ×${ids.length} (${ids.join(', ')})`).join(' · ');
}

/** `release status`: a release record and the service's instances, a few lines each. */
export function renderRelease(
  release: Release,
  instances: readonly InstanceView[],
  now = Date.now(),
): string {
  const ago = Math.round((now - Date.parse(release.startedAt)) / 1000);
  const lines = [
    `${release.service}  ${release.strategy} ${release.stable} → ${release.candidate}  ${release.phase}  ` +
      (release.strategy === 'rolling' && release.phase === 'progressing'
        ? 'every up instance serves, whatever its version'
        : `${release.weight}% on ${release.candidate}`),
    `  started   ${release.startedAt} (${ago} s ago), revision ${release.revision}` +
      (release.strategy === 'canary' ? `, steps ${release.steps.join(',')}` : '') +
      (release.analysis.automatic === false ? ', manual (no automatic analysis)' : ''),
  ];
  if (release.lastAnalysis) lines.push(`  analysis  ${release.lastAnalysis.at}: ${formatAnalysis(release)}`);
  const starved = starvedCanary(release);
  if (starved) lines.push(`  waiting   ${starved}`);
  lines.push(`  instances ${formatInstances(instances)}`);
  for (const entry of release.history.slice(-5)) {
    lines.push(
      `  history   ${entry.at} ${entry.phase} ${entry.weight}%${entry.reason ? ` · ${entry.reason}` : ''}`,
    );
  }
  const plan = planReconcile(instances, release);
  if (!plan) {
    lines.push(
      `  next      npm run release -- promote ${release.service}   or   npm run release -- abort ${release.service}`,
    );
  } else if (plan.start || plan.stop.length > 0) {
    // Ended while nobody was waiting on it (--no-wait, Ctrl-C): the instances have not followed yet.
    const command = release.phase === 'promoted' ? 'promote' : 'abort';
    lines.push(`  next      npm run release -- ${command} ${release.service} brings the instances in line`);
  }
  return `${lines.join('\n')}\n`;
}

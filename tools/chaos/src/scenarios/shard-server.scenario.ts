import { sleep } from '../http.js';
import { check, type ChaosContext, type Check, type Scenario, type ScenarioOutcome } from '../scenario.js';
import { ejectionsBetween } from '../target/gateway-admin.js';
import { issueIds, readUsers } from '../traffic/flows.js';
import { between, ofFlows, summarize } from '../traffic/summary.js';
import { withTraffic } from '../traffic/traffic.js';
import { byPhase, fastAfter, pct, Timeline, waitFor } from './phases.js';

/** How soon after the fault the frozen shard's users must be answered fast ("after the first few"). */
const FAST_WITHIN_MS = 3_000;
const FAST_MS = 50;
/** A victim answered this late waited for a deadline instead of failing fast. */
const HUNG_MS = 1_000;

/**
 * One PostgreSQL server holding user shards is frozen (SIGSTOP of every one of its processes: a hung
 * host, a stalled disk, a VM paused for migration), thawed, then stopped cleanly and started again.
 * Users on the other server must not notice; users on the frozen one must get a fast 503, not a hang;
 * and the gateway must not eject user-service instances for a failure that is not theirs.
 */
export function shardServerScenario(server: 'a' | 'b'): Scenario {
  return {
    name: `shard-server-${server}`,
    fault: `PostgreSQL server ${server}: every process SIGSTOPped, SIGCONT, then stopped and started via the runner`,
    why: 'a database host that hangs (no RST, no FIN) or goes down: one shard server must not take the others, or the service instances, with it',
    run: (context) => run(context, server),
  };
}

async function run(context: ChaosContext, server: 'a' | 'b'): Promise<ScenarioOutcome> {
  const { target, gateway, freezer, short } = context;
  const fixture = await context.fixture();
  const other = server === 'a' ? 'b' : 'a';
  const freezeMs = short ? 6_000 : 15_000;
  const stopMs = short ? 6_000 : 15_000;
  const infraName = `postgres-${server}`;
  const hostPid = target.state().infrastructure.postgres.find((p) => p.name === server)?.pid;
  if (!hostPid) throw new Error(`PostgreSQL server ${server} is not one the runner started (no pid)`);

  const flows = [
    readUsers(target, 'live', fixture.usersOn[other]!, 20),
    readUsers(target, 'victim', fixture.usersOn[server]!, 10),
    issueIds(target, 5),
  ];
  const ejectionsBefore = await gateway.ejections();
  const timeline = new Timeline();
  let recoveredMs = null as number | null;
  const { samples } = await withTraffic(flows, async (traffic) => {
    await timeline.hold('before', 2_000);
    const frozen = timeline.begin('frozen');
    context.say(`freezing PostgreSQL server ${server} (host pid ${hostPid}) for ${freezeMs / 1000} s`);
    const pids = freezer.freeze(infraName, hostPid, false);
    context.say(`  ${pids.length} processes stopped`);
    try {
      await sleep(freezeMs);
    } finally {
      freezer.thaw(infraName);
    }
    frozen.to = Date.now();
    await timeline.hold('thawed', 4_000);
    context.say(`stopping PostgreSQL server ${server} for ${stopMs / 1000} s`);
    timeline.begin('stopped');
    await target.control.stopInfrastructure(infraName);
    await sleep(stopMs);
    await target.control.startInfrastructure(infraName);
    const back = timeline.begin('restarted');
    context.say(`PostgreSQL server ${server} is back; waiting for its users to be served again`);
    recoveredMs = await waitFor(() => {
      const recent = between(ofFlows(traffic.samples(), 'victim'), Date.now() - 1_500);
      return Promise.resolve(recent.length > 5 && recent.every((s) => s.ok));
    }, 30_000);
    back.to = Date.now();
    timeline.end();
  });

  const ejections = ejectionsBetween(ejectionsBefore, await gateway.ejections());
  const ejectedNow = (await gateway.ejectedNow()).filter((e) => e.startsWith('user-service/'));
  const readyInMs = await waitFor(async () => (await gateway.notReady()).length === 0, 60_000, 1_000);
  const notReady = await gateway.notReady();
  const faulted = [timeline.get('frozen'), timeline.get('stopped')];
  const checks: Check[] = [];
  const live = summarize(ofFlows(samples, 'live'));
  checks.push(
    check(
      '≥ 99.9 % of reads of users on the other server served',
      (live.servedPct ?? 0) >= 99.9,
      pct(live.servedPct),
    ),
  );
  const fast: Record<string, ReturnType<typeof fastAfter>> = {};
  for (const phase of faulted) {
    const victims = between(ofFlows(samples, 'victim'), phase.from, phase.to);
    fast[phase.name] = fastAfter(victims, phase.from, FAST_MS);
    // Answered while the fault lasted: a request that waited into the server's return (a breaker's
    // half-open probe) and was served by it belongs to the recovery, not to the fault.
    const late = victims.filter((s) => s.at - phase.from >= FAST_WITHIN_MS && s.at + s.ms <= phase.to);
    const summary = summarize(late);
    const wrong = late.filter((s) => s.status !== 503 || s.ms >= HUNG_MS);
    checks.push(
      check(
        `${phase.name}: its users answered 503, p90 < ${FAST_MS} ms and none ≥ ${HUNG_MS} ms, from ${FAST_WITHIN_MS / 1000} s into the fault`,
        late.length > 0 && wrong.length === 0 && (summary.p90Ms ?? Infinity) < FAST_MS,
        `${late.length} requests, p90 ${summary.p90Ms} ms, max ${summary.maxMs} ms; not a fast 503: ${describe(wrong)}`,
      ),
    );
  }
  checks.push(
    check(
      'no user-service instance ejected by the gateway',
      !ejections['user-service'] && ejectedNow.length === 0,
      `ejections ${JSON.stringify(ejections)}, ejected now [${ejectedNow.join(', ')}]`,
    ),
  );
  checks.push(
    check(
      'its users served again within 30 s of the server being back',
      recoveredMs !== null,
      recoveredMs === null ? 'not within 30 s' : `${recoveredMs} ms`,
    ),
  );
  checks.push(
    check(
      'every instance ready within 60 s of the server being back',
      readyInMs !== null,
      readyInMs === null ? `not ready: ${notReady.join(', ')}` : `${readyInMs} ms after the recovery wait`,
    ),
  );
  return {
    checks,
    figures: {
      phases: byPhase(samples, timeline, ['live', 'victim', 'ids']),
      victimsFast: fast,
      recoveredMs,
      readyInMs,
      ejections,
    },
  };
}

function describe(samples: readonly { status: number; ms: number; error?: string }[]): string {
  if (samples.length === 0) return 'none';
  const byStatus = new Map<string, number>();
  for (const s of samples) {
    const key = s.status === 0 ? `${s.error ?? 'no answer'}` : `${s.status}${s.ms >= FAST_MS ? ' slow' : ''}`;
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
  }
  return [...byStatus].map(([k, n]) => `${n}× ${k}`).join(', ');
}

import { sleep } from '../http.js';
import { check, type ChaosContext, type Scenario, type ScenarioOutcome } from '../scenario.js';
import { evaluateFlag, issueIds, readUsers } from '../traffic/flows.js';
import { summarize } from '../traffic/summary.js';
import { withTraffic } from '../traffic/traffic.js';
import { byPhase, pct, Timeline, waitFor } from './phases.js';

/**
 * The Kafka broker frozen, thawed, then stopped and started again. Kafka carries the registry and
 * the flags; neither is on a request's path, so ordinary requests must not notice, and nobody may
 * be forgotten by the registry (self-preservation) or lose their flags.
 */
export const kafkaBrokerScenario: Scenario = {
  name: 'kafka-broker',
  fault: 'the Kafka broker: its JVM SIGSTOPped, SIGCONT, then stopped and started via the runner',
  why: 'a broker that hangs (GC death spiral, full disk) or is restarted: discovery and flags must degrade to what each service last knew, not fail requests',
  run,
};

async function run(context: ChaosContext): Promise<ScenarioOutcome> {
  const { target, gateway, freezer, short } = context;
  const fixture = await context.fixture();
  const faultMs = short ? 10_000 : 30_000;
  const hostPid = target.state().infrastructure.kafka.pid;
  if (!hostPid) throw new Error('the Kafka broker is not one the runner started (no pid)');
  const registeredBefore = await gateway.registered();
  const flows = [
    readUsers(target, 'users', [...fixture.usersOn['a']!, ...fixture.usersOn['b']!], 15),
    issueIds(target, 10),
    evaluateFlag(target, fixture.flagKey, 10),
  ];
  const timeline = new Timeline();
  let readyAfterMs = null as number | null;
  const { samples } = await withTraffic(flows, async () => {
    await timeline.hold('before', 2_000);
    timeline.begin('frozen');
    context.say(`freezing the Kafka broker for ${faultMs / 1000} s`);
    freezer.freeze('kafka', hostPid, false);
    try {
      await sleep(faultMs);
    } finally {
      freezer.thaw('kafka');
    }
    await timeline.hold('thawed', 5_000);
    context.say(`stopping the Kafka broker for ${faultMs / 1000} s`);
    timeline.begin('stopped');
    await target.control.stopInfrastructure('kafka');
    await sleep(faultMs);
    await target.control.startInfrastructure('kafka');
    timeline.begin('restarted');
    readyAfterMs = await waitFor(async () => (await gateway.notReady()).length === 0, 90_000, 1_000);
    await sleep(3_000);
    timeline.end();
  });
  const registeredAfter = await gateway.registered();
  const all = summarize(samples);
  const lost = Object.entries(registeredBefore).flatMap(([service, ids]) =>
    ids.filter((id) => !(registeredAfter[service] ?? []).includes(id)).map((id) => `${service}/${id}`),
  );
  return {
    checks: [
      check(
        '≥ 99.9 % of ordinary requests served throughout',
        (all.servedPct ?? 0) >= 99.9,
        pct(all.servedPct),
      ),
      check(
        'every instance ready within 90 s of the broker being back',
        readyAfterMs !== null,
        `${readyAfterMs ?? 'not'} ms`,
      ),
      check(
        'the gateway still lists every instance it listed before',
        lost.length === 0,
        lost.join(', ') || 'all listed',
      ),
    ],
    figures: { phases: byPhase(samples, timeline, ['users', 'ids', 'flags']), readyAfterMs, lost },
  };
}

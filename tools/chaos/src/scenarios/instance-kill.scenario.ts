import { sleep } from '../http.js';
import { check, type ChaosContext, type Scenario, type ScenarioOutcome } from '../scenario.js';
import { issueIds, readUsers } from '../traffic/flows.js';
import { between, summarize, timeToRecoverMs } from '../traffic/summary.js';
import { withTraffic } from '../traffic/traffic.js';
import { byPhase, pct, Timeline } from './phases.js';

const RECOVER_WITHIN_MS = 5_000;

/**
 * A user-service instance and an id-service instance SIGKILLed under load (no graceful shutdown, no
 * deregistration: the registry still lists them until their heartbeats expire), then restarted
 * through the runner as a supervisor would.
 */
export const instanceKillScenario: Scenario = {
  name: 'instance-kill',
  fault: 'SIGKILL of one user-service and one id-service instance under load, then a restart via the runner',
  why: 'a crash or an OOM kill: in-flight requests are cut and the registry still lists the dead instance for a TTL; the gateway must route around it at once',
  run,
};

async function run(context: ChaosContext): Promise<ScenarioOutcome> {
  const { target, gateway, short } = context;
  const fixture = await context.fixture();
  const victims = ['user-service', 'id-service'].map((service) => {
    const instance = target.instances(service)[0];
    if (!instance || target.instances(service).length < 2) throw new Error(`${service} needs two instances`);
    return instance;
  });
  const flows = [
    readUsers(target, 'users', [...fixture.usersOn['a']!, ...fixture.usersOn['b']!], 30),
    issueIds(target, 20),
  ];
  const timeline = new Timeline();
  let killedAt = 0;
  const restarted: string[] = [];
  const { samples } = await withTraffic(flows, async () => {
    await timeline.hold('before', 2_000);
    timeline.begin('killed');
    killedAt = Date.now();
    for (const victim of victims) {
      context.say(`SIGKILL ${victim.instanceId} (pid ${victim.pid})`);
      process.kill(victim.pid, 'SIGKILL');
    }
    await sleep(short ? 8_000 : 20_000);
    timeline.begin('restarting');
    for (const victim of victims) {
      const { started } = await target.control.restartInstance(victim.instanceId);
      context.say(
        `  ${victim.instanceId} replaced by ${started.instanceId} (ready in ${started.readyInMs} ms)`,
      );
      restarted.push(started.instanceId);
    }
    await timeline.hold('after', 3_000);
  });
  const during = between(samples, killedAt);
  const all = summarize(during);
  const recoverMs = timeToRecoverMs(samples, killedAt);
  const notReady = await gateway.notReady();
  const registered = await gateway.registered();
  const missing = restarted.filter((id) => !Object.values(registered).some((ids) => ids.includes(id)));
  return {
    checks: [
      check('≥ 99 % of requests from the kill on served', (all.servedPct ?? 0) >= 99, pct(all.servedPct)),
      check(
        `back to no failed or > 1 s request within ${RECOVER_WITHIN_MS / 1000} s`,
        recoverMs <= RECOVER_WITHIN_MS,
        `${recoverMs} ms`,
      ),
      check(
        'the replacements are ready and in the registry',
        notReady.length === 0 && missing.length === 0,
        [...notReady, ...missing].join(', ') || 'yes',
      ),
    ],
    figures: {
      phases: byPhase(samples, timeline, ['users', 'ids']),
      timeToRecoverMs: recoverMs,
      replacements: restarted,
    },
  };
}

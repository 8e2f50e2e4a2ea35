import { sleep } from '../http.js';
import { check, type ChaosContext, type Scenario, type ScenarioOutcome } from '../scenario.js';
import { readUsers } from '../traffic/flows.js';
import { between, summarize, timeToRecoverMs } from '../traffic/summary.js';
import { withTraffic } from '../traffic/traffic.js';
import { byPhase, pct, Timeline, waitFor } from './phases.js';

/** Requests sent this long after the freeze must no longer go to the frozen instance. */
const DETECT_WITHIN_MS = 3_000;

/**
 * A user-service instance frozen (SIGSTOP) for 15 s: its port still accepts connections (the kernel
 * completes the handshake) but nothing answers. Unlike a crash, nothing fails fast; the gateway has
 * to notice slowness, and the instance must come back into rotation once it is thawed.
 */
export const instanceFreezeScenario: Scenario = {
  name: 'instance-freeze',
  fault: 'SIGSTOP of one user-service instance for 15 s (8 s short), then SIGCONT',
  why: 'a stop-the-world GC pause, a VM paused, a process stuck on a lock: the connection is open but nothing answers',
  run,
};

async function run(context: ChaosContext): Promise<ScenarioOutcome> {
  const { target, gateway, freezer, short } = context;
  const fixture = await context.fixture();
  const victim = target.instances('user-service')[0];
  if (!victim || target.instances('user-service').length < 2)
    throw new Error('user-service needs two instances');
  const freezeMs = short ? 8_000 : 15_000;
  const flows = [readUsers(target, 'users', [...fixture.usersOn['a']!, ...fixture.usersOn['b']!], 30)];
  const timeline = new Timeline();
  let frozenAt = 0;
  let backInMs = null as number | null;
  const { samples } = await withTraffic(flows, async () => {
    await timeline.hold('before', 2_000);
    timeline.begin('frozen');
    frozenAt = Date.now();
    context.say(`freezing ${victim.instanceId} (pid ${victim.pid}) for ${freezeMs / 1000} s`);
    freezer.freeze(victim.instanceId, victim.pid);
    try {
      await sleep(freezeMs);
    } finally {
      freezer.thaw(victim.instanceId);
    }
    timeline.begin('thawed');
    backInMs = await waitFor(
      async () => (await gateway.notReady()).length === 0 && (await gateway.ejectedNow()).length === 0,
      60_000,
    );
    timeline.end();
  });
  const during = summarize(between(samples, frozenAt));
  const recoverMs = timeToRecoverMs(samples, frozenAt);
  const bad = between(samples, frozenAt).filter((s) => !s.ok || s.ms > 1_000);
  const lastBadSentMs = bad.length === 0 ? 0 : Math.round(Math.max(...bad.map((s) => s.at)) - frozenAt);
  return {
    checks: [
      check(
        '≥ 99 % of reads from the freeze on served',
        (during.servedPct ?? 0) >= 99,
        pct(during.servedPct),
      ),
      check(
        `reads sent from ${DETECT_WITHIN_MS / 1000} s after the freeze on are neither failed nor > 1 s (the gateway stops sending to it)`,
        lastBadSentMs <= DETECT_WITHIN_MS,
        `last failed or slow read sent ${lastBadSentMs} ms after the freeze (${bad.length} of them); all back to normal after ${recoverMs} ms`,
      ),
      check(
        'the thawed instance ready and back in rotation within 60 s',
        backInMs !== null,
        `${backInMs ?? 'not'} ms`,
      ),
    ],
    figures: {
      phases: byPhase(samples, timeline, ['users']),
      timeToRecoverMs: recoverMs,
      lastBadSentMs,
      backInRotationMs: backInMs,
    },
  };
}

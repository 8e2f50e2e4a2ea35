import { jsonOf, send } from '../http.js';
import { check, type ChaosContext, type Check, type Scenario, type ScenarioOutcome } from '../scenario.js';
import { summarize } from '../traffic/summary.js';
import { withTraffic, type Flow } from '../traffic/traffic.js';
import { byPhase, pct, Timeline } from './phases.js';

/** What id-service waits out (MAX_CLOCK_BACKWARD_MS's default) and a step well past it. */
const SMALL_STEP_MS = 3;
const ANSWER_WITHIN_MS = 1_000;

/**
 * One id-service instance's clock stepped back, a little and then a lot. Snowflake ids must never
 * repeat or go backwards; per docs/ids.md a step up to MAX_CLOCK_BACKWARD_MS is waited out and a
 * larger one refused with 503 `clock_moved_backwards` until the clock has caught up.
 */
export const clockStepScenario: Scenario = {
  name: 'clock-step',
  fault: `one id-service instance's clock stepped back ${SMALL_STEP_MS} ms, then 3 s (5 s full), via PUT /admin/clock`,
  why: 'an NTP step, a VM resumed on another host or a manual clock change: a naive Snowflake generator issues duplicate ids',
  run,
};

interface Issued {
  readonly status: number;
  readonly ms: number;
  readonly ids: readonly bigint[];
  readonly refused: boolean;
}

async function run(context: ChaosContext): Promise<ScenarioOutcome> {
  const { target, short } = context;
  const instance = target.instances('id-service')[0];
  if (!instance) throw new Error('no id-service instance');
  const bigStepMs = short ? 3_000 : 5_000;
  const gatewayIds: bigint[] = [];
  const flows: Flow[] = [
    {
      name: 'ids',
      rate: 10,
      send: async () => {
        const answer = await send('POST', `${target.gatewayUrl}/api/ids/snowflake?count=5`);
        for (const id of jsonOf<{ ids: string[] }>(answer)?.ids ?? []) gatewayIds.push(BigInt(id));
        return answer;
      },
    },
  ];
  const setOffset = async (offsetMs: number) => {
    const answer = await send('PUT', `${instance.url}/admin/clock`, {
      headers: target.auth,
      body: { offsetMs },
    });
    if (answer.status !== 200) {
      throw new Error(
        `PUT /admin/clock on ${instance.instanceId} answered ${answer.status} ${answer.text.slice(0, 200)}` +
          ' (the platform must run with FAULTS_ENABLED=true; npm run chaos starts its own platform so)',
      );
    }
  };
  const issue = async (): Promise<Issued> => {
    const answer = await send('POST', `${instance.url}/ids/snowflake?count=20`);
    const ids = (jsonOf<{ ids: string[] }>(answer)?.ids ?? []).map((id) => BigInt(id));
    return {
      status: answer.status,
      ms: answer.ms,
      ids,
      refused: answer.status === 503 && answer.text.includes('clock_moved_backwards'),
    };
  };
  const issueFor = async (ms: number, into: Issued[]) => {
    const until = Date.now() + ms;
    while (Date.now() < until) into.push(await issue());
  };

  const timeline = new Timeline();
  const before: Issued[] = [];
  const small: Issued[] = [];
  const big: Issued[] = [];
  let caughtUpMs: number | null = null;
  const { samples } = await withTraffic(flows, async () => {
    timeline.begin('before');
    await issueFor(1_000, before);
    try {
      timeline.begin('small-step');
      await setOffset(-SMALL_STEP_MS);
      await issueFor(1_000, small);
      timeline.begin('big-step');
      context.say(`stepping ${instance.instanceId}'s clock back ${bigStepMs} ms`);
      await setOffset(-SMALL_STEP_MS - bigStepMs);
      await issueFor(bigStepMs + 2_000, big);
      const firstServed = big.findIndex(
        (issued, i) => issued.status === 200 && big.slice(0, i).some((b) => b.refused),
      );
      if (firstServed >= 0)
        caughtUpMs = Math.round(big.slice(0, firstServed + 1).reduce((sum, b) => sum + b.ms, 0));
    } finally {
      await setOffset(0);
    }
    await timeline.hold('after', 1_000);
  });

  const direct = [...before, ...small, ...big].flatMap((issued) => issued.ids);
  let decreasing = 0;
  for (let i = 1; i < direct.length; i++) if (direct[i]! <= direct[i - 1]!) decreasing++;
  const everyId = [...direct, ...gatewayIds];
  const duplicates = everyId.length - new Set(everyId.map(String)).size;
  const slowAnswers = [...small, ...big].filter((issued) => issued.ms > ANSWER_WITHIN_MS).length;
  const checks: Check[] = [
    check(
      'no duplicate id among every id issued (direct and through the gateway)',
      duplicates === 0,
      `${duplicates} duplicates of ${everyId.length}`,
    ),
    check(
      "the instance's ids strictly increase in issue order",
      decreasing === 0,
      `${decreasing} not above the previous of ${direct.length}`,
    ),
    check(
      `a ${SMALL_STEP_MS} ms step is waited out: every request served`,
      small.length > 0 && small.every((s) => s.status === 200),
      statuses(small),
    ),
    check(
      `a ${bigStepMs / 1000} s step is refused with 503 clock_moved_backwards, then served once the clock caught up`,
      big.some((b) => b.refused) &&
        big.every((b) => b.status === 200 || b.refused) &&
        big.at(-1)?.status === 200,
      statuses(big),
    ),
    check(
      `every answer within ${ANSWER_WITHIN_MS} ms (refused, not hung)`,
      slowAnswers === 0,
      `${slowAnswers} slower`,
    ),
  ];
  const throughGateway = summarize(samples);
  return {
    checks,
    figures: {
      idsChecked: everyId.length,
      duplicates,
      decreasing,
      refusedRequests: big.filter((b) => b.refused).length,
      servedAgainAfterMs: caughtUpMs,
      gatewayIdsServed: pct(throughGateway.servedPct),
      phases: byPhase(samples, timeline, ['ids']),
    },
  };
}

function statuses(issued: readonly Issued[]): string {
  const counts = new Map<string, number>();
  for (const i of issued) {
    const key = i.refused ? '503 clock_moved_backwards' : String(i.status || 'no answer');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none';
}

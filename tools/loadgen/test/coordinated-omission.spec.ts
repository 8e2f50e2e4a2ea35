import { afterEach, describe, expect, it } from '@jest/globals';

import { runLoad } from '../src/run/run-load.js';
import { planFor, startTarget, type Target } from './target.js';

// A target that freezes once for 1 s (like a long GC pause), loaded for 5 s. The open model keeps
// sending on schedule, so every request due during the freeze waits and the corrected p99 shows a
// large part of the second. The closed model's few connections simply wait with it: only one
// request per connection sees the freeze, and its p99 stays low (coordinated omission).
const FREEZE_MS = 1_000;
const FREEZE_AT_MS = 1_500;

describe('coordinated omission', () => {
  let target: Target | undefined;
  afterEach(async () => {
    await target?.stop();
  });

  const freezingTarget = () =>
    startTarget({ FREEZE_AT_MS: String(FREEZE_AT_MS), FREEZE_MS: String(FREEZE_MS) }).then(
      (t) => (target = t),
    );

  it('shows a 1 s server freeze in the open model p99 that the closed model hides', async () => {
    const open = await runLoad(
      planFor((await freezingTarget()).url, { model: 'open', rate: 200, durationMs: 5_000 }),
    );
    await target!.stop();
    const closed = await runLoad(
      planFor((await freezingTarget()).url, {
        model: 'closed',
        rate: undefined,
        connections: 8,
        durationMs: 5_000,
      }),
    );

    const openP99 = open.corrected.valueAtPercentile(99) / 1000;
    const closedP99 = closed.corrected.valueAtPercentile(99) / 1000;
    // Both saw the freeze: the slowest request of each waited most of it.
    expect(open.corrected.max / 1000).toBeGreaterThan(0.8 * FREEZE_MS);
    expect(closed.corrected.max / 1000).toBeGreaterThan(0.8 * FREEZE_MS);
    // The open model's p99 is a large part of the freeze: ~20% of its requests were due during it.
    expect(openP99).toBeGreaterThan(0.7 * FREEZE_MS);
    // The closed model's is not: only its 8 in-flight requests waited, out of thousands.
    expect(closedP99).toBeLessThan(0.25 * FREEZE_MS);
    expect(closed.sent).toBeGreaterThan(100 * 8);
    // The service time (from the actual send) of the open run shows the freeze too, since sends
    // kept leaving on schedule into the frozen server.
    expect(open.service.valueAtPercentile(99) / 1000).toBeGreaterThan(0.7 * FREEZE_MS);
  });
});

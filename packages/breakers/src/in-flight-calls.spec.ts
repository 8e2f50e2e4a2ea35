import { describe, expect, it } from '@jest/globals';

import { type InFlightCall, InFlightCalls } from './in-flight-calls.js';

interface Running extends InFlightCall<Running> {
  readonly id: string;
}

const started = (id: string, startedAtMs: number): Running => ({
  id,
  startedAtMs,
  older: undefined,
  newer: undefined,
});

function overdue(calls: InFlightCalls<Running>, nowMs: number, thresholdMs: number): string[] {
  const taken: string[] = [];
  for (let call = calls.takeOverdue(nowMs, thresholdMs); call; call = calls.takeOverdue(nowMs, thresholdMs))
    taken.push(call.id);
  return taken;
}

describe(InFlightCalls.name, () => {
  it('hands out the calls that ran longer than the threshold, oldest first, each once', () => {
    const calls = new InFlightCalls<Running>();
    for (const [id, at] of [
      ['a', 0],
      ['b', 100],
      ['c', 200],
    ] as const)
      calls.add(started(id, at));

    expect(overdue(calls, 1_000, 1_000)).toEqual([]);
    expect(overdue(calls, 1_101, 1_000)).toEqual(['a', 'b']);
    expect(overdue(calls, 1_101, 1_000)).toEqual([]);
    expect(calls.size).toBe(1);
    expect(overdue(calls, 5_000, 1_000)).toEqual(['c']);
  });

  it('forgets finished calls wherever they are in the list', () => {
    const calls = new InFlightCalls<Running>();
    const list = ['a', 'b', 'c', 'd'].map((id, i) => started(id, i));
    for (const call of list) calls.add(call);

    expect(calls.delete(list[1]!)).toBe(true);
    expect(calls.delete(list[0]!)).toBe(true);
    expect(calls.delete(list[3]!)).toBe(true);
    expect(calls.delete(list[3]!)).toBe(false);
    expect(overdue(calls, 10, 0)).toEqual(['c']);
    expect(calls.size).toBe(0);

    calls.add(started('e', 20));
    expect(overdue(calls, 30, 0)).toEqual(['e']);
  });

  it('does not take a call that is in no list, or was cleared out of one', () => {
    const calls = new InFlightCalls<Running>();
    const old = new InFlightCalls<Running>();
    const stray = started('stray', 0);
    old.add(started('x', 0));
    old.add(stray);
    old.clear();
    calls.add(started('kept', 1));

    expect(calls.delete(stray)).toBe(false);
    expect(calls.delete(started('never added', 2))).toBe(false);
    expect(overdue(calls, 10, 0)).toEqual(['kept']);
  });
});

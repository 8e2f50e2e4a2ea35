import { sleep } from '../http.js';
import { between, ofFlows, summarize, type Summary } from '../traffic/summary.js';
import type { Sample } from '../traffic/traffic.js';

/** A stretch of a scenario's timeline (epoch ms), e.g. "frozen" or "stopped". */
export interface Phase {
  readonly name: string;
  readonly from: number;
  to: number;
}

/** Marks phases while a scenario runs. */
export class Timeline {
  readonly phases: Phase[] = [];

  begin(name: string): Phase {
    this.end();
    const phase = { name, from: Date.now(), to: Infinity };
    this.phases.push(phase);
    return phase;
  }

  end(): void {
    const last = this.phases.at(-1);
    if (last && last.to === Infinity) last.to = Date.now();
  }

  /** Marks `name` for `ms`. */
  async hold(name: string, ms: number): Promise<Phase> {
    const phase = this.begin(name);
    await sleep(ms);
    this.end();
    return phase;
  }

  get(name: string): Phase {
    const phase = this.phases.find((p) => p.name === name);
    if (!phase) throw new Error(`no phase "${name}"`);
    return phase;
  }
}

/** Per phase and flow, the summary of the samples that started in it. */
export function byPhase(samples: readonly Sample[], timeline: Timeline, flows: readonly string[]) {
  const table: Record<string, Record<string, Summary>> = {};
  for (const phase of timeline.phases) {
    table[phase.name] = Object.fromEntries(
      flows.map((flow) => [flow, summarize(between(ofFlows(samples, flow), phase.from, phase.to))]),
    );
  }
  return table;
}

/**
 * When the fault's victims started being answered fast: the start (ms after `from`) of the first
 * victim request from which on every later one answered in under `fastMs`; with how many came before.
 * Null when even the last one was slow.
 */
export function fastAfter(victims: readonly Sample[], from: number, fastMs: number) {
  const sorted = [...victims].sort((a, b) => a.at - b.at);
  let index = sorted.length;
  while (index > 0 && sorted[index - 1]!.ms < fastMs) index--;
  if (index === sorted.length) return { afterMs: null, slowBefore: sorted.length, fast: 0 };
  return {
    afterMs: index === 0 ? 0 : Math.max(0, sorted[index]!.at - from),
    slowBefore: index,
    fast: sorted.length - index,
  };
}

/** Polls `condition` until it holds or `timeoutMs` passes; returns how long it took, or null. */
export async function waitFor(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 500,
): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition().catch(() => false)) return Date.now() - started;
    await sleep(everyMs);
  }
  return null;
}

export const pct = (value: number | null) => (value === null ? 'n/a' : `${value} %`);

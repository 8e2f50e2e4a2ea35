import fs from 'node:fs';
import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';

/** The event-loop delay monitor's timer period; what it records beyond this is delay. */
const LOOP_RESOLUTION_MS = 2;
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * A worker thread watching itself: its CPU time, how busy its event loop was and how late the loop
 * ran timers. Node 20 has no per-thread CPU clock (process.cpuUsage() is the whole process's), so on
 * Linux the thread's own utime + stime come from /proc/thread-self/stat (read on the thread itself);
 * elsewhere the event-loop utilisation stands in for it.
 */
export class SelfWatch {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly threadCpu = readThreadCpuMs() !== undefined;
  private windowStart = this.sample();
  private intervalStart = this.windowStart;

  constructor() {
    this.loop.enable();
  }

  get cpuSource(): 'thread' | 'event-loop' {
    return this.threadCpu ? 'thread' : 'event-loop';
  }

  /** The measured phase starts: everything before (start-up, warm-up) is forgotten. */
  startWindow(): void {
    this.windowStart = this.sample();
    this.intervalStart = this.windowStart;
    this.loop.reset();
  }

  /** CPU share since the previous call (or the window's start). */
  interval(): { cpu: number } {
    const now = this.sample();
    const result = this.between(this.intervalStart, now);
    this.intervalStart = now;
    return { cpu: result.cpu };
  }

  /** The measured phase so far. */
  window(): {
    cpu: number;
    elu: number;
    wallMs: number;
    loopDelayP50Ms: number;
    loopDelayP99Ms: number;
    loopDelayMaxMs: number;
  } {
    const { cpu, elu, wallMs } = this.between(this.windowStart, this.sample());
    const beyond = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) : 0);
    return {
      cpu,
      elu,
      wallMs,
      loopDelayP50Ms: beyond(this.loop.percentile(50)),
      loopDelayP99Ms: beyond(this.loop.percentile(99)),
      loopDelayMaxMs: beyond(this.loop.max),
    };
  }

  stop(): void {
    this.loop.disable();
  }

  private sample(): { at: number; cpuMs: number | undefined; elu: EventLoopUtilization } {
    return { at: performance.now(), cpuMs: readThreadCpuMs(), elu: performance.eventLoopUtilization() };
  }

  private between(
    from: ReturnType<SelfWatch['sample']>,
    to: ReturnType<SelfWatch['sample']>,
  ): { cpu: number; elu: number; wallMs: number } {
    const wallMs = Math.max(1e-3, to.at - from.at);
    const elu = performance.eventLoopUtilization(to.elu, from.elu).utilization;
    const cpu = to.cpuMs !== undefined && from.cpuMs !== undefined ? (to.cpuMs - from.cpuMs) / wallMs : elu;
    // CPU time comes in 10 ms ticks: over a short interval the ratio can exceed 1.
    return { cpu: Math.min(1, Math.max(0, cpu)), elu, wallMs };
  }
}

/** This thread's user + system CPU time in ms (Linux), or undefined. */
function readThreadCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after "(comm) ": state is field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

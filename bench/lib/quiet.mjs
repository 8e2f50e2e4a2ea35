// Other work on this machine (another engineer's test run, typically) distorts every timing here.
// This module measures it: the CPU time used by everything that is *not* this benchmark's process
// tree (this process, its children and theirs: services, Kafka, PostgreSQL, nginx, the generator),
// from /proc. Before a measurement, wait until that has stayed low for a while; during it, record
// it, so a disturbed measurement can be reported as such and repeated. Nothing is stopped.
import fs from 'node:fs';

import { sleep } from './harness.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Another process uses more than this many cores on average: the machine is not quiet. */
export const QUIET_CORES = 0.1;

/** CPU ticks so far: every CPU busy (all processes), and this benchmark's process tree. */
function readTicks() {
  const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal. Interrupt time is left out: it is charged to no
  // process, and this benchmark's own network traffic and timers cause much of it.
  const busy = f[0] + f[1] + f[2];
  const steal = f[7] ?? 0;
  const stats = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // fields after the name: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17)
      stats.set(Number(entry), {
        ppid: Number(rest[1]),
        own: Number(rest[11]) + Number(rest[12]),
        children: Number(rest[13]) + Number(rest[14]),
      });
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, stat] of stats)
      if (!mine.has(pid) && mine.has(stat.ppid)) {
        mine.add(pid);
        grew = true;
      }
  }
  let ours = 0;
  // Own time of every live process in the tree, plus what each has reaped from exited children.
  for (const pid of mine) ours += (stats.get(pid)?.own ?? 0) + (stats.get(pid)?.children ?? 0);
  return { busy, steal, ours, at: Date.now() };
}

/** Cores' worth of CPU used by others (and stolen by the hypervisor) between two readings. */
function foreign(before, after) {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  return {
    others: Math.max(0, after.busy - before.busy - (after.ours - before.ours)) / TICKS_PER_SECOND / seconds,
    steal: (after.steal - before.steal) / TICKS_PER_SECOND / seconds,
    ours: (after.ours - before.ours) / TICKS_PER_SECOND / seconds,
  };
}

/** Every 5 s, what other processes used since the previous sample: [{ at, others }], the last 10 min. */
const history = [];
let sampler;
function startSampler() {
  if (sampler) return;
  let last = readTicks();
  sampler = setInterval(() => {
    const now = readTicks();
    history.push({ at: now.at, others: foreign(last, now).others });
    if (history.length > 120) history.shift();
    last = now;
  }, 5_000);
  sampler.unref();
}

// Sampling starts when a script loads this module, so its start-up counts as history.
startSampler();

/**
 * Waits until other processes have used less than {@link QUIET_CORES} on average over the last
 * `quietForMs` (sampled every 5 s from the first call on), up to `timeoutMs`. Returns whether it got quiet.
 */
export async function waitQuiet(log, { quietForMs = 30_000, timeoutMs = 40 * 60_000 } = {}) {
  startSampler();
  if (process.argv.includes('--no-wait-quiet')) {
    log('--no-wait-quiet: measuring without waiting for a quiet machine (figures may be disturbed)');
    return false;
  }
  const started = Date.now();
  let announced = false;
  for (;;) {
    const recent = history.filter((sample) => sample.at > Date.now() - quietForMs);
    const covered = recent.length * 5_000 >= quietForMs - 5_000;
    const average = recent.reduce((sum, sample) => sum + sample.others, 0) / Math.max(1, recent.length);
    if (covered && average < QUIET_CORES) {
      if (announced) log(`the machine is quiet again (other processes: ${average.toFixed(2)} cores)`);
      return true;
    }
    if (Date.now() - started > timeoutMs) {
      log(`the machine did not get quiet within ${timeoutMs / 60_000} min; measuring anyway`);
      return false;
    }
    const latest = history.at(-1)?.others ?? 0;
    if (!announced && latest >= QUIET_CORES) {
      log(
        `other processes use ${latest.toFixed(2)} cores; waiting until they stay under ` +
          `${QUIET_CORES} for ${quietForMs / 1000} s (checked every 5 s, up to ${timeoutMs / 60_000} min)`,
      );
      announced = true;
    }
    await sleep(1_000);
  }
}

/**
 * Records the CPU other processes use while a measurement runs (every 2 s). `stop()` returns
 * { disturbed, othersCores (average), peakCores (worst 2 s), stealCores }.
 */
export function watchDisturbance() {
  const first = readTicks();
  let last = first;
  let peak = 0;
  const timer = setInterval(() => {
    const now = readTicks();
    peak = Math.max(peak, foreign(last, now).others);
    last = now;
  }, 2_000);
  return {
    stop() {
      clearInterval(timer);
      const total = foreign(first, readTicks());
      return {
        disturbed: total.others >= QUIET_CORES || peak >= 0.5,
        othersCores: total.others,
        peakCores: peak,
        stealCores: total.steal,
      };
    },
  };
}

export function describeDisturbance(d) {
  return (
    `other processes used ${d.othersCores.toFixed(2)} cores on average (worst 2 s: ${d.peakCores.toFixed(2)})` +
    `, hypervisor steal ${d.stealCores.toFixed(2)}${d.disturbed ? ' — DISTURBED' : ''}`
  );
}

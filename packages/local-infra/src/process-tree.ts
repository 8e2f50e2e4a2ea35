import fs from 'node:fs';

/**
 * A process's tree, read from Linux's /proc: what a chaos experiment freezes to make a server hang
 * the way a hung host does. PostgreSQL is a postmaster and one process per connection, Kafka is a
 * JVM under a host process: stopping only the top one is not a hung server, stopping all of them is.
 */

/** The fields of `/proc/<pid>/stat` a tree walk needs. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** R running, S sleeping, D disk wait, T stopped, Z zombie, … */
  readonly state: string;
}

/**
 * Parses one `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may itself
 * contain spaces and parentheses, so the fields after it are counted from the last `)`.
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  const [state, ppid] = line
    .slice(close + 1)
    .trim()
    .split(' ');
  if (!Number.isInteger(pid) || state === undefined || ppid === undefined) return undefined;
  return { pid, ppid: Number(ppid), state };
}

/** One process's stat, or undefined once it has gone. */
export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every live process, as /proc lists them now. */
function allProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * The pids below `pid` (children, their children, …), parents before children, without `pid`
 * itself. A snapshot: a process forked after it is not in it, so freeze the parents first.
 */
export function descendantsOf(pid: number, processes: readonly ProcStat[] = allProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const process of processes) {
    const siblings = children.get(process.ppid) ?? [];
    siblings.push(process.pid);
    children.set(process.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (found.includes(child)) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

import { descendantsOf, procStat } from '@platform/local-infra';

/**
 * SIGSTOP and SIGCONT for whole process trees, with one rule above all: nothing stays frozen.
 * Every pid it stops is remembered until it is continued; {@link thawAll} continues them all and
 * is what the suite calls in `finally` blocks and on SIGINT, SIGTERM and exit.
 */
export class Freezer {
  private readonly frozen = new Map<string, number[]>();

  /**
   * Stops `root` (unless `includeRoot` is false) and every process below it, parents first, so
   * that a parent cannot fork a new child that escapes; then stops any child that appeared meanwhile.
   * Returns the pids it stopped.
   */
  freeze(label: string, root: number, includeRoot = true): number[] {
    const stopped: number[] = [];
    this.frozen.set(label, stopped);
    const stop = (pid: number) => {
      if (stopped.includes(pid)) return;
      try {
        process.kill(pid, 'SIGSTOP');
        stopped.push(pid);
      } catch {
        // gone meanwhile
      }
    };
    if (includeRoot) stop(root);
    for (let pass = 0; pass < 2; pass++) for (const pid of descendantsOf(root)) stop(pid);
    return [...stopped];
  }

  /** Continues what `freeze(label)` stopped, children first. */
  thaw(label: string): void {
    const pids = this.frozen.get(label) ?? [];
    for (const pid of [...pids].reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone meanwhile
      }
    }
    this.frozen.delete(label);
  }

  thawAll(): void {
    for (const label of [...this.frozen.keys()]) this.thaw(label);
  }

  get frozenCount(): number {
    return [...this.frozen.values()].reduce((sum, pids) => sum + pids.length, 0);
  }

  /** Pids among `pids` the kernel shows stopped (state T): what must be none after a run. */
  static stillStopped(pids: readonly number[]): number[] {
    return pids.filter((pid) => procStat(pid)?.state === 'T');
  }
}

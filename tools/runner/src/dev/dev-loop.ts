import { seconds } from '../release/release-progress.js';
import { affectedServices, type ServiceEntry, type Workspace } from './affected-services.js';
import type { ChangeBatch } from './change-batcher.js';
import type { RollResult } from './instance-roller.js';
import type { BuildPackages, BuildResult } from './workspace-build.js';

export interface DevLoopOptions {
  readonly workspaces: readonly Workspace[];
  readonly services: readonly ServiceEntry[];
  /** The one service that is built but never replaced while the platform runs. */
  readonly edgeService: string;
  readonly build: BuildPackages;
  readonly roll: (service: string, signal: AbortSignal) => Promise<RollResult>;
  readonly say: (line: string) => void;
  /** The compiler's errors of a failed build, as they are. */
  readonly sayBuildOutput: (output: string) => void;
}

/** What one batch of changes led to; the loop's specs read it. */
export type CycleOutcome =
  | { readonly kind: 'unused'; readonly files: readonly string[] }
  | { readonly kind: 'build-failed'; readonly build: BuildResult }
  | { readonly kind: 'done'; readonly build: BuildResult; readonly rolls: readonly RollResult[] }
  | { readonly kind: 'stopped' };

/**
 * `npm run dev`'s cycle, once per batch of changes: which services the change reaches, one build
 * of them, then each one's instances replaced (one service after another, one instance at a
 * time). A failed build replaces nothing: the running instances keep the previous build and the
 * compiler's errors are printed. Changes that arrive meanwhile wait and make the next cycle, so a
 * cycle never builds under a roll nor rolls under a build.
 */
export class DevLoop {
  private pending: { workspaces: Set<string>; files: string[] } | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  readonly outcomes: CycleOutcome[] = [];

  constructor(private readonly options: DevLoopOptions) {}

  /** A batch of changes; starts a cycle now, or after the one under way. */
  changed(batch: ChangeBatch): void {
    if (this.abort.signal.aborted) return;
    this.pending ??= { workspaces: new Set(), files: [] };
    for (const workspace of batch.workspaces) this.pending.workspaces.add(workspace);
    for (const file of batch.files) if (!this.pending.files.includes(file)) this.pending.files.push(file);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves once no cycle is under way (at once if none is). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /**
   * Starts no more cycles, cuts a build short, and lets a roll finish the instance it is replacing;
   * resolves when the cycle under way has ended.
   */
  stop(): Promise<void> {
    this.abort.abort();
    this.pending = undefined;
    return this.idle();
  }

  private async drain(): Promise<void> {
    while (this.pending && !this.abort.signal.aborted) {
      const batch = this.pending;
      this.pending = undefined;
      this.outcomes.push(await this.cycle(batch.workspaces, batch.files));
    }
  }

  private async cycle(workspaces: ReadonlySet<string>, files: readonly string[]): Promise<CycleOutcome> {
    const { say, edgeService } = this.options;
    const started = Date.now();
    const affected = affectedServices(workspaces, this.options.workspaces, this.options.services);
    const changedLabel = describeFiles(files);
    if (affected.length === 0) {
      say(`changed ${changedLabel}: no service runs this code; nothing to rebuild`);
      return { kind: 'unused', files };
    }
    const names = affected.map((entry) => entry.service);
    say(`changed ${changedLabel}: rebuilding ${names.join(', ')}`);
    const build = await this.options.build(
      affected.map((entry) => entry.packageName),
      this.abort.signal,
    );
    if (this.abort.signal.aborted) return { kind: 'stopped' };
    if (!build.ok) {
      this.options.sayBuildOutput(build.output.trim());
      say(
        `build failed after ${seconds(build.ms)}; every instance keeps running the previous build. ` +
          'Save a fix to try again',
      );
      return { kind: 'build-failed', build };
    }
    say(`built in ${seconds(build.ms)}${cacheNote(build)}`);
    const rolls: RollResult[] = [];
    for (const service of names) {
      if (this.abort.signal.aborted) break;
      if (service === edgeService) {
        say(
          `${service}: built, but not replaced: it is the edge every request comes through, and the ` +
            'runner does not replace it while the platform runs. Restart npm run dev to run its new build',
        );
        continue;
      }
      try {
        const roll = await this.options.roll(service, this.abort.signal);
        rolls.push(roll);
        this.reportRoll(roll);
      } catch (error) {
        say(`${service}: could not replace its instances: ${(error as Error).message}`);
      }
    }
    const replaced = rolls.reduce((sum, roll) => sum + roll.replaced.length, 0);
    say(
      `done in ${seconds(Date.now() - started)} (build ${seconds(build.ms)}, ${replaced} instance(s) ` +
        'replaced); watching for changes',
    );
    return { kind: 'done', build, rolls };
  }

  private reportRoll(roll: RollResult): void {
    const { say } = this.options;
    if (roll.stoppedEarly !== undefined) {
      const ids = (instances: RollResult['kept']) => instances.map((i) => i.instanceId).join(', ');
      say(
        `${roll.service}: stopped replacing instances: ${roll.stoppedEarly}. ` +
          (roll.started.length > 0 ? `${ids(roll.started)} run(s) the new build; ` : '') +
          `${ids(roll.kept)} keep(s) running the previous one`,
      );
    } else if (roll.replaced.length === 0) {
      say(`${roll.service}: no instance runs; the next one started runs the new build`);
    }
  }
}

/** `apps/id-service/src/main.ts` or `3 files in apps/id-service, packages/ids`. */
export function describeFiles(files: readonly string[]): string {
  if (files.length === 1) return files[0]!;
  const folders = [...new Set(files.map((file) => file.split('/').slice(0, 2).join('/')))];
  return `${files.length} files in ${folders.join(', ')}`;
}

function cacheNote(build: BuildResult): string {
  if (build.tasks === undefined || build.cached === undefined) return '';
  const rebuilt = build.tasks - build.cached;
  return ` (${rebuilt} of ${build.tasks} workspace build(s) ran, ${build.cached} from turbo's cache)`;
}

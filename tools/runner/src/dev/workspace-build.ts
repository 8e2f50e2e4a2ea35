import { spawn } from 'node:child_process';
import path from 'node:path';

/** How a build of the changed services went. */
export interface BuildResult {
  readonly ok: boolean;
  readonly ms: number;
  /** Build tasks turbo ran, and how many of them it took from its cache. */
  readonly tasks: number | undefined;
  readonly cached: number | undefined;
  /** What turbo printed: with `--output-logs=errors-only`, the failed tasks' output (tsc's errors). */
  readonly output: string;
}

/** Builds the given packages; a seam so the dev loop is tested without turbo. */
export type BuildPackages = (packageNames: readonly string[], signal: AbortSignal) => Promise<BuildResult>;

/**
 * `turbo run build --filter=<package>...` for each package: turbo builds each one after what it
 * depends on (turbo.json's `dependsOn: ["^build"]`), so a change in packages/ids is built before
 * the services that import it, and workspaces whose inputs did not change come from its cache.
 */
export function turboBuildArgs(packageNames: readonly string[]): string[] {
  return ['run', 'build', '--output-logs=errors-only', ...packageNames.map((name) => `--filter=${name}`)];
}

/** Runs the repository's own turbo (node_modules/.bin) and collects what it prints. */
export function turboBuild(repoRoot: string): BuildPackages {
  return (packageNames, signal) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(path.join(repoRoot, 'node_modules/.bin/turbo'), turboBuildArgs(packageNames), {
        cwd: repoRoot,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const done = (ok: boolean, extra = '') =>
        resolve({ ok, ms: Date.now() - started, ...turboCounts(output), output: output + extra });
      child.once('error', (error) => done(false, `\n${error.message}\n`));
      child.once('close', (code) => done(code === 0));
    });
}

/** `Tasks: 3 successful, 3 total` and `Cached: 2 cached, 3 total` from turbo's summary. */
export function turboCounts(output: string): Pick<BuildResult, 'tasks' | 'cached'> {
  const tasks = /Tasks:\s+\d+ successful, (\d+) total/.exec(output)?.[1];
  const cached = /Cached:\s+(\d+) cached/.exec(output)?.[1];
  return {
    tasks: tasks === undefined ? undefined : Number(tasks),
    cached: cached === undefined ? undefined : Number(cached),
  };
}

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

export interface CommandResult {
  readonly code: number | null;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
  readonly seconds: number;
}

/**
 * A copy of this checkout in a temporary directory, committed to a git repository of its own, in
 * which a test may change anything: what `git status` shows there afterwards is what the change did.
 */
export interface CheckoutCopy {
  readonly dir: string;
  /** Runs a command in the copy (or a directory inside it), its output kept. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** `git status --porcelain` of the copy, one entry a line, sorted. */
  status(): string[];
  remove(): void;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/**
 * What `git status` ignores but a copy needs to run without downloading anything: installed packages
 * (every workspace's node_modules too), the Kafka broker's jars, and turbo's cache, so that the
 * copy's builds of unchanged workspaces are cache hits. They are hard links, made in a few seconds:
 * npm and turbo replace files rather than write into them, so the copy cannot change this checkout's.
 */
function linkedDirs(root: string): string[] {
  const workspaceModules = ['packages', 'apps', 'tools', 'test'].flatMap((group) =>
    fs.existsSync(path.join(root, group))
      ? fs.readdirSync(path.join(root, group)).map((name) => path.join(group, name, 'node_modules'))
      : [],
  );
  return ['node_modules', ...workspaceModules, 'infra/kafka/lib', '.turbo/cache'].filter((dir) =>
    fs.existsSync(path.join(root, dir)),
  );
}

/** A record of installed packages npm rewrites in place on install: copied, not linked. */
const WRITTEN_IN_PLACE = ['node_modules/.package-lock.json'];

export function copyCheckout(prefix: string): CheckoutCopy {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // The platform's PostgreSQL runs as the postgres user when the tests run as root: it must get in.
  fs.chmodSync(dir, 0o755);
  const listed = git(REPO_ROOT, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  const files = listed.split('\0').filter((file) => file !== '' && fs.existsSync(path.join(REPO_ROOT, file)));
  for (const file of files) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
    fs.chmodSync(path.join(dir, file), fs.statSync(path.join(REPO_ROOT, file)).mode);
  }
  for (const linked of linkedDirs(REPO_ROOT)) {
    fs.mkdirSync(path.dirname(path.join(dir, linked)), { recursive: true });
    const copied = spawnSync('cp', ['-al', path.join(REPO_ROOT, linked), path.join(dir, linked)]);
    if (copied.status !== 0) throw new Error(`cp -al ${linked} failed: ${copied.stderr.toString()}`);
  }
  for (const file of WRITTEN_IN_PLACE) {
    const target = path.join(dir, file);
    if (!fs.existsSync(target)) continue;
    fs.rmSync(target);
    fs.copyFileSync(path.join(REPO_ROOT, file), target);
  }
  git(dir, ['init', '--quiet']);
  git(dir, ['add', '--all']);
  git(dir, ['-c', 'user.name=e2e', '-c', 'user.email=e2e@localhost', 'commit', '--quiet', '-m', 'copy']);

  return {
    dir,
    run: (command, args, options = {}) => run(command, args, { cwd: dir, ...options }),
    status: () =>
      git(dir, ['status', '--porcelain', '--untracked-files=normal'])
        .split('\n')
        .filter((line) => line !== '')
        .sort(),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function git(cwd: string, args: readonly string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd} failed: ${result.stderr}`);
  return result.stdout;
}

function run(
  command: string,
  args: readonly string[],
  options: RunOptions & { cwd: string },
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 300_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

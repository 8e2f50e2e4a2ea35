// What every benchmark script shares: a temp directory, progress lines with the elapsed time, and
// clean-up that runs once, on success, on error and on Ctrl-C (SIGINT) or SIGTERM, so no Kafka,
// PostgreSQL, nginx or Node process outlives the script.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { killGenerators } from './open-loop.mjs';

export function createHarness(name, { keep = false } = {}) {
  const started = performance.now();
  const cleanups = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  // As root, PostgreSQL runs as another user that must reach its data directory.
  fs.chmodSync(dir, 0o755);
  let cleaning;
  let interrupted = false;

  const log = (message) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
    process.stdout.write(`[${seconds} s] ${message}\n`);
  };

  const cleanup = () => {
    cleaning ??= (async () => {
      killGenerators();
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (error) {
          log(`clean-up step failed: ${error?.message ?? error}`);
        }
      }
      if (keep) log(`kept ${dir} (logs, data)`);
      else fs.rmSync(dir, { recursive: true, force: true });
    })();
    return cleaning;
  };

  const onSignal = (signal) => {
    if (interrupted) {
      log(
        `${signal} again: exiting now (services and infrastructure stop themselves when this process is gone)`,
      );
      process.exit(130);
    }
    interrupted = true;
    log(`${signal}: stopping everything that was started (again to exit at once)`);
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onCrash = (error) => {
    log(`unexpected error: ${error?.stack ?? error}; stopping everything that was started`);
    keep = true;
    void cleanup().then(() => process.exit(1));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  return {
    dir,
    log,
    get interrupted() {
      return interrupted;
    },
    /** Registers a clean-up step; steps run in reverse order of registration. */
    onCleanup(fn) {
      cleanups.push(fn);
    },
    cleanup,
    /** Runs `main`, then cleans up; exits non-zero on failure. */
    async run(main) {
      let code = 0;
      try {
        await main();
      } catch (error) {
        if (!interrupted) {
          log(`failed: ${error?.stack ?? error}`);
          log(`logs are in ${dir} (kept)`);
          keep = true;
          code = 1;
        }
      }
      if (interrupted) return new Promise(() => undefined); // the signal handler exits
      await cleanup();
      log('done; everything started here has stopped');
      process.exit(code);
    },
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Command-line flags: --name value, --name=value, --flag. */
export function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) args[name] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args[name] = argv[++i];
    else args[name] = true;
  }
  return args;
}

/** A short description of this machine, for the printouts. */
export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.versions.node}`;
}

/** The load averages (1, 5, 15 min), to tell a quiet machine from a busy one in the printouts. */
export function loadavg() {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

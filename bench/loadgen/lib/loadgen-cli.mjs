// Runs the load generator as a user does (`node tools/loadgen/dist/cli.js …`, what `npm run load`
// runs) in a child process, with --json to a temp file: resolves with the parsed JSON report and
// the exit code (0 valid, 3 INVALID, 4 target failing). Its progress lines go to the harness log.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

const CLI = path.join(REPO_ROOT, 'tools/loadgen/dist/cli.js');
let runs = 0;

export function runLoadgen(harness, args, { label = 'loadgen', progress = true } = {}) {
  if (!fs.existsSync(CLI))
    throw new Error(`${CLI} is missing: npx turbo run build --filter=@platform/loadgen`);
  const json = path.join(harness.dir, `loadgen-${++runs}.json`);
  const argv = [CLI, ...args, '--json', json, ...(progress ? [] : ['--quiet'])];
  harness.log(`${label}: loadgen ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    harness.onCleanup(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let pending = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (line.startsWith('[')) harness.log(`  ${label} ${line}`);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 && code !== 3 && code !== 4)
        return reject(new Error(`loadgen exited with ${code}:\n${stdout}${pending}`));
      resolve({ code, report: JSON.parse(fs.readFileSync(json, 'utf8')), text: stdout });
    });
  });
}

/** The busiest worker's CPU share of a report. */
export function worstCpu(report) {
  return Math.max(...report.workers.map((worker) => worker.cpu));
}

/** The worst worker event-loop delay p99 of a report, ms. */
export function worstLoopDelay(report) {
  return Math.max(...report.workers.map((worker) => worker.loopDelayP99Ms));
}

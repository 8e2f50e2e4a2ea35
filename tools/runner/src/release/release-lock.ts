import fs from 'node:fs';
import path from 'node:path';

import { isAlive } from '../state.js';

/**
 * One release command at a time changes a service's instances. Without it, a command waiting on a
 * canary and a `release promote` typed in another terminal would both see the promotion and both
 * start the missing instances. A lock file per service beside the runner's state; a lock whose
 * owner died is taken over. Returns a function that releases it (also run when the process exits).
 */
export async function acquireReleaseLock(
  stateDir: string,
  service: string,
  onWait: (ownerPid: number) => void,
  timeoutMs = 10 * 60_000,
): Promise<() => void> {
  const file = path.join(stateDir, `release-${service}.lock`);
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      const release = () => {
        process.off('exit', release);
        if (readOwner(file) === process.pid) fs.rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner !== undefined && !isAlive(owner)) {
      fs.rmSync(file, { force: true }); // left by a release command that died
      continue;
    }
    if (owner === undefined) {
      // Just created and not written yet, or unreadable junk: give its writer a moment.
      if (ageMs(file) > 2_000) fs.rmSync(file, { force: true });
      await sleep(50);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `another release command (pid ${owner}) has been working on ${service} for too long; ` +
          `wait for it, or stop it (kill ${owner}) and run this again`,
      );
    }
    if (!told) onWait(owner);
    told = true;
    await sleep(200);
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

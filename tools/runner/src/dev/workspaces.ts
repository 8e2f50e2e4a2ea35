import fs from 'node:fs';
import path from 'node:path';

import type { Workspace } from './affected-services.js';

/**
 * The repository's workspaces, read from the root package.json's `workspaces` (`apps/*`,
 * `packages/*`, ...) and each one's package.json: its folder, name and dependencies. Read once
 * when `npm run dev` starts; a workspace added later is seen at the next start.
 */
export function readWorkspaces(repoRoot: string): Workspace[] {
  const root = readPackageJson(path.join(repoRoot, 'package.json'));
  const patterns = Array.isArray(root?.['workspaces']) ? (root['workspaces'] as unknown[]) : [];
  const workspaces: Workspace[] = [];
  for (const pattern of patterns) {
    if (typeof pattern !== 'string') continue;
    for (const dir of expand(repoRoot, pattern)) {
      const manifest = readPackageJson(path.join(repoRoot, dir, 'package.json'));
      if (typeof manifest?.['name'] !== 'string') continue;
      const dependencies = manifest['dependencies'];
      workspaces.push({
        dir,
        name: manifest['name'],
        dependencies:
          typeof dependencies === 'object' && dependencies !== null ? Object.keys(dependencies) : [],
      });
    }
  }
  return workspaces;
}

/** `apps/*` → the folders in apps/; a plain folder name → itself. (The only forms npm's list here uses.) */
function expand(repoRoot: string, pattern: string): string[] {
  const clean = pattern.replace(/\/+$/, '');
  if (!clean.endsWith('/*')) return [clean];
  const parent = clean.slice(0, -2);
  try {
    return fs
      .readdirSync(path.join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`)
      .sort();
  } catch {
    return [];
  }
}

function readPackageJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

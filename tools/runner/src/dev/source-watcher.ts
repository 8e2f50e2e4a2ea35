import fs from 'node:fs';
import path from 'node:path';

import { SOURCE_DIR, workspaceOfChange } from './source-change.js';

export interface SourceWatcherOptions {
  readonly repoRoot: string;
  /** Repository-relative workspace folders to watch: `apps/id-service`, `packages/ids`. */
  readonly workspaceDirs: readonly string[];
  /** A change to one of a workspace's build inputs (see source-change.ts). */
  readonly onChange: (workspaceDir: string, file: string) => void;
  /** A watch that failed (its folder was deleted, the system ran out of inotify watches). */
  readonly onError: (workspaceDir: string, error: Error) => void;
}

/**
 * Watches each workspace's build inputs with Node's own `fs.watch`: its `src/` tree recursively
 * (recursive watching works on Linux since Node 20; on macOS and Windows it always did) and its
 * top folder for package.json and the tsconfig files. Watching only these keeps `dist/` (which
 * every build rewrites) and `node_modules/` out: no event for them, and no inotify watch spent on
 * their folders.
 */
export class SourceWatcher {
  private readonly watchers: fs.FSWatcher[] = [];

  constructor(private readonly options: SourceWatcherOptions) {
    const { repoRoot, workspaceDirs } = options;
    for (const dir of workspaceDirs) {
      const sourceDir = path.join(repoRoot, dir, SOURCE_DIR);
      if (fs.existsSync(sourceDir))
        this.watch(dir, sourceDir, true, (name) => `${dir}/${SOURCE_DIR}/${name}`);
      this.watch(dir, path.join(repoRoot, dir), false, (name) => `${dir}/${name}`);
    }
  }

  /** How many folders (trees or single folders) are watched. */
  get size(): number {
    return this.watchers.length;
  }

  close(): void {
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private watch(dir: string, folder: string, recursive: boolean, relative: (name: string) => string): void {
    const watcher = fs.watch(folder, { recursive }, (_event, name) => {
      // Linux gives the name; without one there is no telling what changed: count it as a source.
      const file = relative(name === null ? `${SOURCE_DIR}/?` : name.toString().replaceAll('\\', '/'));
      if (workspaceOfChange(file, this.options.workspaceDirs) === dir) this.options.onChange(dir, file);
    });
    watcher.on('error', (error) => this.options.onError(dir, error));
    this.watchers.push(watcher);
  }
}

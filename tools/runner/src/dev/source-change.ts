/**
 * Which file changes `npm run dev` acts on. A workspace's build reads `src/**` and its
 * `package.json` and tsconfig files (turbo.json's build inputs), so only those count. What the
 * build writes (`dist/`), installed packages, and tests do not: tests run with `npm test`, not on
 * every save, so specs (`*.spec.ts`, anything under `test/`) are left out and nothing is rebuilt or
 * replaced for them. Editors' scratch files (vim's swap files and its `4913` probe, `~` backups,
 * emacs' `.#` locks) are not sources either.
 */

/** The files at a workspace's top that its build reads. */
export const WORKSPACE_BUILD_FILES: readonly string[] = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** The folder whose whole tree a workspace's build reads. */
export const SOURCE_DIR = 'src';

/**
 * The workspace (one of `workspaceDirs`, repository-relative like `apps/id-service`) whose build
 * `changedPath` (repository-relative, `/`-separated) is an input of; undefined when it is none's.
 */
export function workspaceOfChange(changedPath: string, workspaceDirs: readonly string[]): string | undefined {
  const normalized = changedPath.replaceAll('\\', '/');
  const workspace = workspaceDirs.find((dir) => normalized.startsWith(`${dir}/`));
  if (workspace === undefined) return undefined;
  const inside = normalized.slice(workspace.length + 1);
  return isBuildInput(inside) ? workspace : undefined;
}

/** `pathInWorkspace` is relative to the workspace's folder. */
export function isBuildInput(pathInWorkspace: string): boolean {
  if (WORKSPACE_BUILD_FILES.includes(pathInWorkspace)) return true;
  const parts = pathInWorkspace.split('/');
  if (parts[0] !== SOURCE_DIR || parts.length < 2) return false;
  const name = parts.at(-1)!;
  if (parts.slice(1, -1).some((dir) => dir === 'test' || dir === '__tests__')) return false;
  return !isSpec(name) && !isEditorScratch(name);
}

function isSpec(name: string): boolean {
  return /\.(spec|test)\.[cm]?tsx?$/.test(name);
}

function isEditorScratch(name: string): boolean {
  return (
    name === '4913' ||
    name.endsWith('~') ||
    name.startsWith('.#') ||
    /\.sw[a-p]$/.test(name) ||
    name.endsWith('.tmp')
  );
}

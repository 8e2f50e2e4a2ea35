/**
 * Which services a change reaches. A change in `apps/x` reaches the service built there; a change
 * in `packages/y` reaches every service whose workspace depends on `@platform/y`, directly or
 * through other packages (a change in packages/observability reaches every service). Only
 * `dependencies` count: they are what a service loads when it runs. A package only a test uses
 * (a devDependency, like @platform/testing) reaches no running instance.
 */

/** One workspace as its package.json describes it. */
export interface Workspace {
  /** Repository-relative folder: `apps/id-service`, `packages/ids`. */
  readonly dir: string;
  /** Its package name: `@platform/id-service`. */
  readonly name: string;
  /** The names in its `dependencies`. */
  readonly dependencies: readonly string[];
}

/** What this needs of a service's spec in the runner's catalog. */
export interface ServiceEntry {
  readonly name: string;
  /** Its entry point, repository-relative: `apps/id-service/dist/main.js`. */
  readonly main: string;
}

/** A service changed by a batch of edits, with the package turbo builds it as. */
export interface AffectedService {
  readonly service: string;
  readonly packageName: string;
}

/** `apps/id-service/dist/main.js` → `apps/id-service`: the folder above the build output. */
export function serviceWorkspaceDir(main: string): string {
  const parts = main.replaceAll('\\', '/').split('/');
  const dist = parts.lastIndexOf('dist');
  if (dist < 1) {
    throw new Error(`cannot tell the workspace of the entry point "${main}": it is not under a dist/ folder`);
  }
  return parts.slice(0, dist).join('/');
}

/**
 * The services (in catalog order) built from one of `changedDirs` or depending on one, with the
 * package name each is built as. A service whose workspace has no package.json is left out.
 */
export function affectedServices(
  changedDirs: Iterable<string>,
  workspaces: readonly Workspace[],
  services: readonly ServiceEntry[],
): AffectedService[] {
  const byName = new Map(workspaces.map((workspace) => [workspace.name, workspace]));
  const changed = new Set(changedDirs);
  const reaches = (workspace: Workspace, seen: Set<string>): boolean => {
    if (changed.has(workspace.dir)) return true;
    if (seen.has(workspace.name)) return false; // a cycle: npm would refuse it, but do not loop
    seen.add(workspace.name);
    return workspace.dependencies.some((name) => {
      const dependency = byName.get(name);
      return dependency !== undefined && reaches(dependency, seen);
    });
  };
  const affected: AffectedService[] = [];
  for (const service of services) {
    const dir = serviceWorkspaceDir(service.main);
    const workspace = workspaces.find((candidate) => candidate.dir === dir);
    if (workspace && reaches(workspace, new Set()))
      affected.push({ service: service.name, packageName: workspace.name });
  }
  return affected;
}

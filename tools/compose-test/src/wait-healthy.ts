import type { ComposeProject, ContainerState } from './project.js';

/** Containers not yet up: not running, or with a health check that does not pass yet. */
export function notReady(containers: readonly ContainerState[]): ContainerState[] {
  return containers.filter(
    (container) =>
      container.status !== 'running' || (container.health !== '' && container.health !== 'healthy'),
  );
}

/** Waits until every container of the project runs and passes its health check. */
export async function waitHealthy(project: ComposeProject, timeoutMs: number): Promise<ContainerState[]> {
  const started = Date.now();
  for (;;) {
    const containers = await project.containers();
    const waiting = notReady(containers);
    if (containers.length > 0 && waiting.length === 0) return containers;
    if (Date.now() - started > timeoutMs) {
      const list = waiting.map((c) => `${c.name} (${c.status}${c.health ? `, ${c.health}` : ''})`);
      throw new Error(`not healthy after ${Math.round(timeoutMs / 1000)} s: ${list.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

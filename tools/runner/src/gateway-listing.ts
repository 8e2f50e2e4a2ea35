import type { RegistryInstance } from './release/gateway-client.js';

/** What the wait reads: the gateway's view of one service (GatewayClient.registry). */
export interface RegistrySource {
  registry(service: string): Promise<RegistryInstance[]>;
}

export interface ListingWait {
  readonly gateway: RegistrySource;
  /** service → the instance ids that must be listed as up. */
  readonly expected: ReadonlyMap<string, readonly string[]>;
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits until the gateway's registry view lists every expected instance as up, and resolves with the
 * ones still missing when time ran out (empty: all listed). An instance is ready as soon as it has
 * read the registry and listens, but its own announcement reaches the gateway's view a moment later:
 * until then the gateway answers `no_instances` for it. "Platform up" waits for this, so the first
 * request a user sends after it is routable.
 */
export async function waitUntilGatewayLists(wait: ListingWait): Promise<string[]> {
  const now = wait.now ?? Date.now;
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + wait.timeoutMs;
  for (;;) {
    const missing = await missingInstances(wait);
    if (missing.length === 0 || now() >= deadline) return missing;
    await sleep(wait.pollMs ?? 100);
  }
}

async function missingInstances(wait: ListingWait): Promise<string[]> {
  const missing: string[] = [];
  for (const [service, ids] of wait.expected) {
    let listed: ReadonlySet<string>;
    try {
      const instances = await wait.gateway.registry(service);
      listed = new Set(instances.filter((i) => i.status === 'up').map((i) => i.instanceId));
    } catch {
      // The gateway not answering yet is the same as not listing anything yet.
      listed = new Set();
    }
    missing.push(...ids.filter((id) => !listed.has(id)));
  }
  return missing;
}

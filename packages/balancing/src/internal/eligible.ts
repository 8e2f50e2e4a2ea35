import type { Endpoint } from '../picker.js';

/** The endpoints a pick may choose from: all of them but the excluded ones (no copy when none is). */
export function eligible<E extends Endpoint>(
  endpoints: readonly E[],
  exclude?: ReadonlySet<string>,
): readonly E[] {
  if (exclude === undefined || exclude.size === 0) return endpoints;
  return endpoints.filter((endpoint) => !exclude.has(endpoint.id));
}

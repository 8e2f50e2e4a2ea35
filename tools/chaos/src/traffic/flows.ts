import { send } from '../http.js';
import type { PlatformTarget } from '../target/platform-target.js';
import type { Flow } from './traffic.js';

/** The ordinary requests the scenarios run during their faults, all through the gateway. */

/** `GET /api/users/{id}`, cycling through `ids`. */
export function readUsers(target: PlatformTarget, name: string, ids: readonly string[], rate: number): Flow {
  let next = 0;
  return {
    name,
    rate,
    send: () => send('GET', `${target.gatewayUrl}/api/users/${ids[next++ % ids.length]}`),
  };
}

/** `POST /api/ids/snowflake?count=1`. */
export function issueIds(target: PlatformTarget, rate: number): Flow {
  return { name: 'ids', rate, send: () => send('POST', `${target.gatewayUrl}/api/ids/snowflake?count=1`) };
}

/** `POST /api/flags/{key}/evaluate` for a rotating user. */
export function evaluateFlag(target: PlatformTarget, key: string, rate: number): Flow {
  let user = 0;
  return {
    name: 'flags',
    rate,
    send: () =>
      send('POST', `${target.gatewayUrl}/api/flags/${key}/evaluate`, {
        body: { context: { userId: `u-${user++ % 100}` } },
      }),
  };
}

// nginx answering every request with a small static JSON body (no upstream, no logging): a target
// fast enough that the load generator, not the target, is what a benchmark measures. One worker
// process (the other core is the generator's), keep-alive without a request limit, a listen backlog
// large enough for a burst of new connections. Started on a free port with a config in a temp dir.
import { freePort } from '@platform/local-infra';

import { startNginx } from '../../lib/nginx.mjs';

export const STATIC_BODY = '{"ok":true,"from":"nginx"}';

/** Starts nginx; resolves with { url, port, process } once it accepts connections. */
export async function startStaticNginx(harness, { workerProcesses = 1 } = {}) {
  const port = await freePort();
  const proc = await startNginx(harness, {
    port,
    workerProcesses,
    workerConnections: 16384,
    writtenBy: 'bench/loadgen/lib/nginx-static.mjs',
    http: `  keepalive_requests 100000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      default_type application/json;
      return 200 '${STATIC_BODY}';
    }
  }`,
  });
  return { url: `http://127.0.0.1:${port}`, port, process: proc };
}

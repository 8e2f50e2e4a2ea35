// nginx as a reference for benchmarks, started on a port with a config written into the run's
// directory: one worker process by default (the other core is the load generator's), no access log,
// temp paths of its own so it runs as any user. `http` is what goes inside the http block beside
// that (upstreams, servers).
import fs from 'node:fs';
import path from 'node:path';

import { startProcess, waitForPort } from './processes.mjs';

/** Starts nginx and resolves with its process once `port` accepts connections. */
export async function startNginx(
  harness,
  { port, http, writtenBy, workerProcesses = 1, workerConnections = 4096 },
) {
  const dir = path.join(harness.dir, 'nginx');
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.chmodSync(dir, 0o777);
  const conf = path.join(dir, 'nginx.conf');
  const tempPaths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${dir}/${kind};`)
    .join('\n');
  fs.writeFileSync(
    conf,
    `# written by ${writtenBy}
worker_processes ${workerProcesses};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections ${workerConnections}; }
http {
  access_log off;
${tempPaths}
${http}
}
`,
  );
  const proc = startProcess(harness, {
    command: 'nginx',
    args: ['-p', dir, '-c', conf, '-e', path.join(dir, 'logs', 'error.log')],
    logFile: path.join(harness.dir, 'logs', 'nginx.log'),
    // nginx stops gracefully on SIGQUIT and at once on SIGTERM; either is fine here.
  });
  await waitForPort(port);
  return proc;
}

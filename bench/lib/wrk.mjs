// Runs wrk (closed loop: each connection sends its next request when the previous answer is in) and
// parses its report: requests/s, latency percentiles, errors.
import { spawn } from 'node:child_process';

// `script` is a Lua file for wrk's -s (e.g. one whose delay() paces each connection).
export function runWrk(url, { threads = 1, connections = 32, durationS = 15, timeoutS = 2, script } = {}) {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${durationS}s`,
    `--timeout`,
    `${timeoutS}s`,
    '--latency',
    ...(script ? ['-s', script] : []),
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk ${args.join(' ')} exited with ${code}:\n${out}`));
      resolve(parseWrk(out));
    });
  });
}

export function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const percentiles = {};
  for (const [, p, value, unit] of out.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\b/gm)) {
    percentiles[`p${p}`] = Number(value) * { us: 0.001, ms: 1, s: 1000 }[unit];
  }
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps, requests, ...percentiles, non2xx, socketErrors, raw: out };
}

import { send, sleep } from '../http.js';
import { abortedRequest, rawRequest, slowClient } from '../faults/raw-http.js';
import { check, type ChaosContext, type Check, type Scenario, type ScenarioOutcome } from '../scenario.js';
import { ejectionsBetween } from '../target/gateway-admin.js';
import { issueIds, readUsers } from '../traffic/flows.js';
import { summarize } from '../traffic/summary.js';
import { withTraffic } from '../traffic/traffic.js';
import { byPhase, pct, Timeline } from './phases.js';

/** Paths that climb out of a route once decoded; the gateway must refuse them, not forward them. */
export const DOT_SEGMENT_PATHS = [
  '/api/ids/%2e%2e/metrics',
  '/api/ids/%2E%2E/%2E%2E/admin/registry',
  '/api/ids/..%2fmetrics',
  '/api/ids/%2e%2e%2fadmin%2fclock',
  '/api/users/%2e/%2e%2e/health/ready',
  '/api/ids/../metrics',
  '/api/flags/./../admin/routes',
  '/api/ids/%252e%252e/metrics',
];

const head = (method: string, path: string, extra: string[] = []) =>
  [`${method} ${path} HTTP/1.1`, 'Host: chaos', ...extra, '', ''].join('\r\n');

/**
 * What a hostile or broken client sends at the edge: dot-segment paths, `Expect: 100-continue`,
 * requests abandoned halfway, slowloris connections, oversized bodies and bad JSON. Each must get
 * its proper answer, and none may change what ordinary clients get: no failed request, no breaker
 * opened, no instance ejected for what a client did.
 */
export const hostileEdgeScenario: Scenario = {
  name: 'hostile-edge',
  fault: 'dot-segment paths, Expect: 100-continue, aborted requests, slowloris, oversized bodies, bad JSON',
  why: 'the internet: scanners probing for path traversal, clients that hang up, slowloris, broken SDKs; none of it may cost ordinary users anything',
  run,
};

async function run(context: ChaosContext): Promise<ScenarioOutcome> {
  const { target, gateway, short } = context;
  const fixture = await context.fixture();
  const base = target.gatewayUrl;
  const slowSockets = short ? 100 : 300;
  const ejectionsBefore = await gateway.ejections();
  const flows = [
    readUsers(target, 'users', [...fixture.usersOn['a']!, ...fixture.usersOn['b']!], 20),
    issueIds(target, 10),
  ];
  const timeline = new Timeline();
  const checks: Check[] = [];
  const figures: Record<string, unknown> = {};
  const { samples } = await withTraffic(flows, async () => {
    await timeline.hold('before', 1_000);

    timeline.begin('dot-segments');
    const paths = await Promise.all(
      DOT_SEGMENT_PATHS.map(async (path) => ({ path, ...(await rawRequest(base, head('GET', path))) })),
    );
    const wrongPaths = paths.filter((p) => p.status !== 400).map((p) => `${p.path} → ${p.status}`);
    checks.push(
      check(
        `${paths.length} dot-segment paths answered 400`,
        wrongPaths.length === 0,
        wrongPaths.join('; ') || 'all 400',
      ),
    );

    timeline.begin('expect-continue');
    const body = '{}';
    const expects = await Promise.all(
      Array.from({ length: 15 }, () =>
        rawRequest(
          base,
          head('POST', '/api/ids/snowflake?count=1', [
            'Content-Type: application/json',
            `Content-Length: ${body.length}`,
            'Expect: 100-continue',
          ]),
          {
            body,
            timeoutMs: 5_000,
          },
        ),
      ),
    );
    const badExpects = expects.filter((e) => e.status === 0 || e.status >= 500);
    checks.push(
      check(
        '15 Expect: 100-continue POSTs each got a final answer below 500 within 5 s',
        badExpects.length === 0,
        statuses(expects.map((e) => e.status)),
      ),
    );

    timeline.begin('aborts');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? abortedRequest(
              base,
              head('POST', '/api/users', ['Content-Type: application/json', 'Content-Length: 1000']),
              '{"email":"half',
              200,
            )
          : abortedRequest(base, head('GET', `/api/users/${fixture.usersOn['a']![0]}`), '', 1),
      ),
    );
    await sleep(1_000);

    timeline.begin('bodies');
    const oversized = await send('POST', `${base}/api/users`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'big@example.com', name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    const badJson = await send('POST', `${base}/api/users`, {
      headers: { 'content-type': 'application/json' },
      body: '{"email": "a@example.com", "name": ',
    });
    checks.push(
      check(
        'a 2 MB body answered 413',
        oversized.status === 413,
        String(oversized.status || oversized.error),
      ),
    );
    checks.push(
      check('bad JSON answered 400', badJson.status === 400, String(badJson.status || badJson.error)),
    );

    timeline.begin('slowloris');
    const stopAt = Date.now() + 60_000;
    context.say(`opening ${slowSockets} slowloris connections`);
    const clients = Array.from({ length: slowSockets }, () => slowClient(base, stopAt));
    const closed = await Promise.all(clients.map((c) => c.closedAfterMs));
    const open = closed.filter((ms) => ms === null).length;
    const lifetimes = closed.filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
    figures['slowloris'] = {
      sockets: slowSockets,
      closedBy60s: lifetimes.length,
      lastClosedMs: lifetimes.at(-1) ?? null,
      medianMs: lifetimes[Math.floor(lifetimes.length / 2)] ?? null,
    };
    checks.push(
      check(
        `${slowSockets} slowloris connections closed by the gateway within 60 s`,
        open === 0,
        `${open} still open; last closed after ${lifetimes.at(-1) ?? '-'} ms`,
      ),
    );
    await timeline.hold('after', 3_000);
  });
  const ordinary = summarize(samples);
  const ejections = ejectionsBetween(ejectionsBefore, await gateway.ejections());
  const breakers = await gateway.breakersNotClosed();
  checks.push(
    check(
      '0 failed ordinary requests during and after',
      ordinary.failed === 0,
      `${ordinary.failed} failed of ${ordinary.requests} (${pct(ordinary.servedPct)})`,
    ),
  );
  checks.push(
    check(
      'no breaker open and no instance ejected',
      breakers.length === 0 && Object.keys(ejections).length === 0,
      `breakers [${breakers.join(', ')}], ejections ${JSON.stringify(ejections)}`,
    ),
  );
  return { checks, figures: { ...figures, phases: byPhase(samples, timeline, ['users', 'ids']), ejections } };
}

function statuses(values: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n}× ${status || 'no answer'}`).join(', ');
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { FAILURE_ORIGIN_HEADER } from '@platform/observability';
import type { ErrorBody } from '@platform/service-kit';
import { eventually, requestJson, TestServices, uniqueTopic } from '@platform/testing';

import { reportFigure, routeOf, scrape, sumOfSeries, upstreamsOf } from '../admin-client.js';
import { gateway, untilListed, type GatewayInstance } from '../gateway.harness.js';
import { sendRaw, type RawResponse } from '../raw-http.js';
import { startScriptedUpstream, type ScriptedUpstream } from '../scripted-upstream.js';

const SERVICE = 'edge-upstream';
/** The platform's own segments, all sent to the scripted upstream, which answers any path. */
const ROUTES = 'ids=edge-upstream,flags=edge-upstream,users=edge-upstream';
/** The gateway's default BODY_LIMIT_BYTES (1 MiB). */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Paths that would reach a service's own endpoints if forwarded (or that Fastify cannot decode). */
const HOSTILE_PATHS = [
  '/api/ids/../metrics',
  '/api/ids/./metrics',
  '/api/ids/%2e%2e/metrics',
  '/api/ids/%2E%2e/metrics',
  '/api/ids/%2E%2E/metrics',
  '/api/ids/.%2e/metrics',
  '/api/ids/%2e./metrics',
  '/api/ids/%252e%252e/metrics',
  '/api/ids/..%2fmetrics',
  '/api/ids/..%2Fmetrics',
  '/api/ids/..%252fmetrics',
  '/api/ids/..%5cmetrics',
  '/api/ids/..\\metrics',
  '/api/ids/%00',
  '/api/ids/a%0d%0ax-injected:%20yes',
  '/api/ids/%c0%ae',
  '/api/ids/%u002e',
  '/api/flags/%2e%2e/segments',
  '/api/users/%2e%2e/admin/shards',
  '/api/users/%2E%2E%2Fadmin%2Fshards',
  '/api/users/%2e%2e/admin/shards?token=x',
];

function get(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`;
}

function post(path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST ${path} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n${lines.join('')}\r\n`;
}

function errorOf(response: RawResponse): ErrorBody['error'] {
  return (JSON.parse(response.body) as ErrorBody).error;
}

describe('a gateway facing hostile requests at its edge', () => {
  const services = new TestServices();
  const registryTopic = uniqueTopic('gateway-hostile-edge');
  const upstreams: ScriptedUpstream[] = [];
  let edge: GatewayInstance;
  let stingy: GatewayInstance;

  const received = () => upstreams.reduce((sum, upstream) => sum + upstream.received.length, 0);
  const inflightUpstream = () => upstreams.reduce((sum, upstream) => sum + upstream.inflight, 0);

  /** `count` ordinary requests through `edge`, 5 at a time; returns how many did not answer 200. */
  async function ordinaryFailures(count: number): Promise<number> {
    let failures = 0;
    for (let sent = 0; sent < count; sent += 5) {
      const statuses = await Promise.all(
        Array.from(
          { length: Math.min(5, count - sent) },
          async (_, i) => (await requestJson(`${edge.url}/api/ids/ordinary-${sent + i}`)).status,
        ),
      );
      failures += statuses.filter((status) => status !== 200).length;
    }
    return failures;
  }

  async function expectNothingHeldAgainstTheUpstream(): Promise<void> {
    expect((await routeOf(edge, 'ids')).breaker).toBe('closed');
    for (const instance of await upstreamsOf(edge, SERVICE)) {
      expect(instance).toMatchObject({ breaker: 'closed', ejected: null });
    }
  }

  beforeAll(async () => {
    const env = {
      GATEWAY_ROUTES: ROUTES,
      // Slow requests are abandoned by their clients long before the gateway would give up.
      UPSTREAM_TRY_TIMEOUT_MS: '20000',
      UPSTREAM_TIMEOUT_MS: '25000',
    };
    edge = await services.start(gateway({ registryTopic, instanceId: 'gateway-hostile-edge', env }));
    stingy = await services.start(
      gateway({
        registryTopic,
        instanceId: 'gateway-stingy',
        env: { ...env, RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '1' },
      }),
    );
    for (const instanceId of ['edge-1', 'edge-2']) {
      upstreams.push(await startScriptedUpstream({ registryTopic, service: SERVICE, instanceId }));
    }
    await untilListed(edge, SERVICE, ['edge-1', 'edge-2']);
    await untilListed(stingy, SERVICE, ['edge-1', 'edge-2']);
  }, 60_000);

  afterAll(async () => {
    await services.stopAll();
    await Promise.all(upstreams.map((upstream) => upstream.stop()));
  });

  it('answers every dot-segment and encoding variant with 400 invalid_path, and forwards none', async () => {
    const before = received();

    const answers = await Promise.all(HOSTILE_PATHS.map((path) => sendRaw(edge.url, { head: get(path) })));

    const byPath = new Map(
      HOSTILE_PATHS.map((path, i) => [path, `${answers[i]!.status} ${errorOf(answers[i]!).code}`]),
    );
    expect(byPath).toEqual(new Map(HOSTILE_PATHS.map((path) => [path, '400 invalid_path'])));
    for (const answer of answers) expect(answer.headers['content-type']).toContain('application/json');
    expect(received()).toBe(before);
    reportFigure('hostile paths', `${HOSTILE_PATHS.length} variants, all 400 invalid_path, 0 forwarded`);

    // Ordinary paths with dots, and `..` in a query, still go through as they are.
    const dotted = await sendRaw(edge.url, { head: get('/api/users/a.b') });
    const query = await sendRaw(edge.url, { head: get('/api/ids/search?q=../../etc') });
    expect([dotted.status, query.status]).toEqual([200, 200]);
    const urls = upstreams.flatMap((upstream) => upstream.received.map((request) => request.url));
    expect(urls).toEqual(expect.arrayContaining(['/users/a.b', '/ids/search?q=../../etc']));
  }, 30_000);

  it('answers Expect: 100-continue itself: the POSTs reach the upstream, without the header, and nothing opens', async () => {
    const body = Buffer.alloc(2048, 'x');
    const answers = await Promise.all(
      Array.from({ length: 15 }, () =>
        sendRaw(edge.url, {
          head: post('/api/ids/snowflake', { expect: '100-continue', 'content-length': body.length }),
          bodyAfterContinue: body,
        }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(15).fill(200));
    expect(answers.every((answer) => answer.continued)).toBe(true);
    expect(answers.map((answer) => JSON.parse(answer.body) as unknown)).toEqual(
      Array(15).fill({ bytes: 2048 }),
    );
    const posts = upstreams.flatMap((upstream) =>
      upstream.received.filter((request) => request.url === '/ids/snowflake'),
    );
    expect(posts).toHaveLength(15);
    for (const request of posts) expect(request.headers).not.toHaveProperty('expect');

    expect(await ordinaryFailures(20)).toBe(0);
    await expectNothingHeldAgainstTheUpstream();
    reportFigure(
      'expect: 100-continue',
      '15 POSTs answered 200 by the upstream; 0 of 20 ordinary requests failed',
    );
  }, 30_000);

  it('refuses a body announced over the limit with 413 before the client sends it', async () => {
    const before = received();
    const started = performance.now();

    const answer = await sendRaw(edge.url, {
      head: post('/api/ids/snowflake', { expect: '100-continue', 'content-length': 10 * BODY_LIMIT_BYTES }),
      bodyAfterContinue: 'never asked for',
    });

    expect(answer.status).toBe(413);
    expect(answer.continued).toBe(false);
    expect(errorOf(answer).code).toBe('payload_too_large');
    expect(answer.headers['connection']).toBe('close');
    expect(received()).toBe(before);
    reportFigure(
      'expect: 100-continue over the limit',
      `413 after ${Math.round(performance.now() - started)} ms, 0 body bytes sent`,
    );
  });

  it('answers 417 to an expectation other than 100-continue', async () => {
    const answer = await sendRaw(edge.url, {
      head: post('/api/ids/snowflake', { expect: 'something-else', 'content-length': 2 }),
      body: '{}',
    });

    expect(answer.status).toBe(417);
    expect(errorOf(answer).code).toBe('expectation_failed');
  });

  it('answers a rate-limited client before reading its 10 MB body', async () => {
    // The client's one token goes to an ordinary request (a token comes back each second).
    await requestJson(`${stingy.url}/api/ids/first`);
    const before = received();
    const sentBytes = 64 * 1024;

    const answer = await sendRaw(stingy.url, {
      head: post('/api/ids/upload', {
        'content-type': 'application/octet-stream',
        'content-length': 10 * 1024 * 1024,
      }),
      body: Buffer.alloc(sentBytes, 'x'),
    });

    expect(answer.status).toBe(429);
    expect(errorOf(answer).code).toBe('rate_limited');
    expect(answer.headers['connection']).toBe('close');
    expect(received()).toBe(before);
    reportFigure('rate limited upload', `429 after ${sentBytes} of ${10 * 1024 * 1024} body bytes were sent`);
  });

  it('holds no client abort against the upstream: no breaker opens, no instance is ejected', async () => {
    const aborted = Array.from({ length: 20 }, () => new AbortController());
    const calls = aborted.map((controller) =>
      fetch(`${edge.url}/api/ids/slow`, { signal: controller.signal }).then(
        (response) => response.status,
        () => 'aborted' as const,
      ),
    );
    await eventually(() => expect(inflightUpstream()).toBe(20), { timeoutMs: 20_000 });
    for (const controller of aborted) controller.abort();

    expect(await Promise.all(calls)).toEqual(Array(20).fill('aborted'));
    // Every place the slow requests held in the gateway is given back, and the upstream is let go.
    await eventually(async () => {
      expect(sumOfSeries(await scrape(edge), 'gateway_inflight_requests')).toBe(0);
      expect(inflightUpstream()).toBe(0);
    });
    expect(
      sumOfSeries(await scrape(edge), 'gateway_route_requests_total', {
        route: 'ids',
        outcome: 'client_gone',
      }),
    ).toBe(20);

    expect(await ordinaryFailures(20)).toBe(0);
    await expectNothingHeldAgainstTheUpstream();
    reportFigure(
      'client aborts',
      '20 abandoned mid-request: 0 of 20 ordinary requests failed after, breakers closed',
    );
  }, 60_000);

  it("passes a dependency's outage on as it is, without opening the route's breaker", async () => {
    const answers: Response[] = [];
    for (let batch = 0; batch < 6; batch++) {
      answers.push(
        ...(await Promise.all(Array.from({ length: 5 }, () => fetch(`${edge.url}/api/ids/dependency-down`)))),
      );
    }

    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(503));
    expect(answers.map((answer) => answer.headers.get(FAILURE_ORIGIN_HEADER))).toEqual(
      Array(30).fill('dependency'),
    );
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as ErrorBody[];
    expect(new Set(bodies.map((body) => body.error.code))).toEqual(new Set(['database_unavailable']));

    expect((await routeOf(edge, 'ids')).breaker).toBe('closed');
    expect(await ordinaryFailures(20)).toBe(0);
    reportFigure(
      'dependency down',
      "30 answers of 503 passed on with the header; the route's breaker stayed closed",
    );
  }, 30_000);
});

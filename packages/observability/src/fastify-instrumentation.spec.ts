import { request as httpRequest } from 'node:http';

import { afterEach, describe, expect, it } from '@jest/globals';
import { fastify, type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';

import { eventually } from '@platform/testing';

import { instrumentFastify, UNMATCHED_ROUTE } from './fastify-instrumentation.js';
import { createLogger } from './logger.js';
import { METRIC } from './metrics.js';
import { acceptOrCreateRequestId, currentRequestContext, REQUEST_ID_HEADER } from './request-context.js';

interface Setup {
  /** Sends a GET to the running server. */
  readonly get: (path: string, headers?: Record<string, string>) => Promise<Response>;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly metrics: Registry;
  /** Parsed log lines written so far. */
  readonly logs: () => Record<string, unknown>[];
}

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function instrumentedApp(quietPaths: string[] = []): Promise<Setup> {
  const raw: string[] = [];
  const logger = createLogger({
    service: 'orders',
    instance: 'orders-1',
    destination: { write: (line: string) => void raw.push(line) },
  });
  const metrics = new Registry();
  app = fastify({ genReqId: (request) => acceptOrCreateRequestId(request.headers[REQUEST_ID_HEADER]) });
  instrumentFastify(app, { logger, metrics, quietPaths });
  app.get('/orders/:id', (request, reply) => {
    logger.info('loading the order');
    const id = (request.params as { id: string }).id;
    return reply.send({ id, requestId: currentRequestContext()?.requestId });
  });
  // The handler of a request with a body runs once the body has arrived, in a later event.
  app.post('/orders', async (request, reply) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    logger.info('placing the order');
    return reply.send({ body: request.body, context: currentRequestContext() });
  });
  app.get('/health', (_request, reply) => reply.send({ ok: true }));
  // A real server on a free port: fastify's `inject` needs light-my-request, which loads the
  // ESM-only `cookie` package through require(), and jest's module runtime on Node 20 cannot.
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    get: (path, headers) => fetch(`${base}${path}`, { headers }),
    metrics,
    logs: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** POSTs `pieces` as one body, written a few milliseconds apart, and resolves with the parsed answer. */
function postInPieces(url: string, pieces: string[], headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers, agent: false });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve(JSON.parse(text)));
    });
    const writeNext = (index: number) => {
      if (index === pieces.length) {
        request.end();
        return;
      }
      request.write(pieces[index]);
      setTimeout(() => writeNext(index + 1), 5);
    };
    writeNext(0);
  });
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

/** The `_count` samples of the HTTP histogram, as their labels. */
async function durationSamples(metrics: Registry) {
  const histogram = metrics.getSingleMetric(METRIC.httpServerDuration);
  if (!histogram) throw new Error(`${METRIC.httpServerDuration} is not registered`);
  const { values } = await histogram.get();
  return values
    .filter(
      (sample) => (sample as { metricName?: string }).metricName === `${METRIC.httpServerDuration}_count`,
    )
    .map((sample) => ({ labels: sample.labels, count: sample.value }));
}

describe(instrumentFastify.name, () => {
  it('answers with an x-request-id, keeping a good one from the caller', async () => {
    const { get } = await instrumentedApp();
    const fresh = await get('/orders/7');
    const kept = await get('/orders/7', { 'x-request-id': 'gw-123' });
    const replaced = await get('/orders/7', { 'x-request-id': 'bad id with spaces' });

    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(kept.headers.get('x-request-id')).toBe('gw-123');
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // The handler ran inside the request's context.
    expect(await kept.json()).toEqual({ id: '7', requestId: 'gw-123' });
  });

  it('records each request in the histogram under its route pattern, never the raw URL', async () => {
    const { get, metrics } = await instrumentedApp();
    await get('/orders/1');
    await get('/orders/2?expand=items');
    await get('/health');

    // onResponse runs once the response is written, which may be just after the client has it.
    await eventually(async () =>
      expect(await durationSamples(metrics)).toEqual(
        expect.arrayContaining([
          { labels: { route: '/orders/:id', method: 'GET', status_code: '200' }, count: 2 },
          { labels: { route: '/health', method: 'GET', status_code: '200' }, count: 1 },
        ]),
      ),
    );
    const text = await metrics.metrics();
    expect(text).not.toContain('/orders/1');
    expect(text).not.toContain('expand');
  });

  it(`labels requests that matched no route "${UNMATCHED_ROUTE}", so unknown URLs add no series`, async () => {
    const { get, metrics } = await instrumentedApp();
    const responses = await Promise.all(['/nope', '/wp-admin.php', '/orders'].map((path) => get(path)));

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
    await eventually(async () =>
      expect(await durationSamples(metrics)).toEqual([
        { labels: { route: UNMATCHED_ROUTE, method: 'GET', status_code: '404' }, count: 3 },
      ]),
    );
  });

  it("continues the caller's trace in a span of its own and answers with it in traceresponse", async () => {
    const { get } = await instrumentedApp();
    const response = await get('/orders/7', { traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });

    const traceresponse = response.headers.get('traceresponse');
    expect(traceresponse).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(traceresponse).not.toContain(CALLER_SPAN);
  });

  it('starts a new trace when the caller sent none or a malformed one', async () => {
    const { get } = await instrumentedApp();
    const answers = await Promise.all([
      get('/orders/7'),
      get('/orders/7', { traceparent: `00-${TRACE_ID.toUpperCase()}-${CALLER_SPAN}-01` }),
      get('/orders/7', { traceparent: `ff-${TRACE_ID}-${CALLER_SPAN}-01` }),
    ]);
    const traceIds = answers.map((response) => response.headers.get('traceresponse')?.split('-')[1]);

    for (const traceId of traceIds) expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIds).not.toContain(TRACE_ID);
    expect(new Set(traceIds).size).toBe(3);
  });

  it('logs one line per completed request with its ids, route and status; lines inside carry the ids', async () => {
    const { get, logs } = await instrumentedApp();
    const response = await get('/orders/9', { 'x-request-id': 'trace-me', traceparent: TRACEPARENT });
    const spanId = response.headers.get('traceresponse')?.split('-')[2];

    await eventually(() => expect(logs()).toHaveLength(2));
    const ids = { requestId: 'trace-me', traceId: TRACE_ID, spanId, parentSpanId: CALLER_SPAN };
    expect(logs()).toEqual([
      expect.objectContaining({ msg: 'loading the order', ...ids }),
      expect.objectContaining({
        msg: 'request completed',
        ...ids,
        method: 'GET',
        url: '/orders/9',
        route: '/orders/:id',
        status: 200,
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it('keeps the context for a handler that runs after its body arrived in pieces, requests apart', async () => {
    const { base, logs } = await instrumentedApp();
    const post = (requestId: string, traceparent: string) =>
      postInPieces(`${base}/orders`, ['{"item":', '"tea', '"}'], {
        'content-type': 'application/json',
        'x-request-id': requestId,
        traceparent,
      }) as Promise<{ body: unknown; context?: { requestId: string; trace: { traceId: string } } }>;
    const otherTrace = `00-${'1'.repeat(32)}-${CALLER_SPAN}-00`;

    const [first, second] = await Promise.all([post('post-1', TRACEPARENT), post('post-2', otherTrace)]);

    expect(first.body).toEqual({ item: 'tea' });
    expect(first.context).toMatchObject({ requestId: 'post-1', trace: { traceId: TRACE_ID } });
    expect(second.context).toMatchObject({ requestId: 'post-2', trace: { traceId: '1'.repeat(32) } });
    await eventually(() =>
      expect(logs().filter((line) => line['msg'] === 'placing the order')).toHaveLength(2),
    );
    expect(
      logs()
        .filter((line) => line['msg'] === 'placing the order')
        .map((line) => [line['requestId'], line['traceId']])
        .sort(),
    ).toEqual([
      ['post-1', TRACE_ID],
      ['post-2', '1'.repeat(32)],
    ]);
  });

  it('measures quiet paths but does not log them', async () => {
    const { get, metrics, logs } = await instrumentedApp(['/health']);
    await get('/health');
    await get('/orders/3');

    await eventually(async () =>
      expect(await durationSamples(metrics)).toEqual(
        expect.arrayContaining([
          { labels: { route: '/health', method: 'GET', status_code: '200' }, count: 1 },
          { labels: { route: '/orders/:id', method: 'GET', status_code: '200' }, count: 1 },
        ]),
      ),
    );
    const completed = logs().filter((line) => line['msg'] === 'request completed');
    expect(completed.map((line) => line['route'])).toEqual(['/orders/:id']);
  });
});

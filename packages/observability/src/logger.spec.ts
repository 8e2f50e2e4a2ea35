import { describe, expect, it } from '@jest/globals';

import { createLogger, type LoggerOptions } from './logger.js';
import { createRequestContext, runWithRequestContext } from './request-context.js';

/** A logger whose lines are kept in memory, parsed back from the JSON it writes. */
function capturedLogger(options: Partial<LoggerOptions> = {}) {
  const raw: string[] = [];
  const logger = createLogger({
    service: 'users',
    instance: 'users-1',
    destination: { write: (line: string) => void raw.push(line) },
    ...options,
  });
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, lines };
}

describe(createLogger.name, () => {
  it('writes one JSON object per line with service, instance, the level as a word and an ISO time', () => {
    const { logger, raw, lines } = capturedLogger();
    logger.info({ orderId: 'o-1' }, 'order placed');
    logger.warn('disk almost full');

    expect(raw).toHaveLength(2);
    for (const line of raw) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    const [first, second] = lines();
    expect(first).toMatchObject({
      service: 'users',
      instance: 'users-1',
      level: 'info',
      msg: 'order placed',
      orderId: 'o-1',
    });
    expect(second).toMatchObject({ level: 'warn', msg: 'disk almost full' });
    expect(first?.['time']).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));
    expect(Math.abs(Date.parse(String(first?.['time'])) - Date.now())).toBeLessThan(60_000);
  });

  it('adds the request id and trace ids to lines written while serving a request, and only then', async () => {
    const { logger, lines } = capturedLogger();
    const context = createRequestContext('req-42', {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    logger.info('before');
    await runWithRequestContext(context, async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ requestId: 'explicit' }, 'inside, after an await');
    });
    logger.info('after');

    const request = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: context.trace.spanId,
      parentSpanId: '00f067aa0ba902b7',
    };
    const [before, inside, afterAwait, after] = lines();
    expect(before).not.toHaveProperty('requestId');
    expect(before).not.toHaveProperty('traceId');
    expect(inside).toMatchObject({ msg: 'inside', requestId: 'req-42', ...request });
    // A line's own fields win over the context's.
    expect(afterAwait).toMatchObject({ msg: 'inside, after an await', requestId: 'explicit', ...request });
    expect(after).not.toHaveProperty('traceId');
  });

  it('leaves parentSpanId out of the lines of a request that started its trace', () => {
    const { logger, raw } = capturedLogger();
    runWithRequestContext(createRequestContext('req-1'), () => logger.info('first hop'));
    expect(raw[0]).toMatch(/"traceId":"[0-9a-f]{32}","spanId":"[0-9a-f]{16}"/);
    expect(raw[0]).not.toContain('parentSpanId');
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capturedLogger({ level: 'warn' });
    logger.info('chatty');
    logger.debug('chattier');
    logger.error('broken');
    expect(lines().map((line) => line['msg'])).toEqual(['broken']);
  });
});

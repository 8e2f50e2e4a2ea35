import { describe, expect, it } from '@jest/globals';

import { createLogger, type LoggerOptions } from './logger.js';
import { runWithRequestContext } from './request-context.js';

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

  it('adds the request id to lines written while serving a request, and only then', async () => {
    const { logger, lines } = capturedLogger();
    logger.info('before');
    await runWithRequestContext({ requestId: 'req-42' }, async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('inside, after an await');
    });
    logger.info('after');

    expect(lines().map((line) => [line['msg'], line['requestId']])).toEqual([
      ['before', undefined],
      ['inside', 'req-42'],
      ['inside, after an await', 'req-42'],
      ['after', undefined],
    ]);
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capturedLogger({ level: 'warn' });
    logger.info('chatty');
    logger.debug('chattier');
    logger.error('broken');
    expect(lines().map((line) => line['msg'])).toEqual(['broken']);
  });
});

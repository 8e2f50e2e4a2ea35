import { describe, expect, it } from '@jest/globals';

import { painter } from './output/color-support.js';
import { terminalLine } from './terminal-line.js';

const base = {
  time: '2026-12-07T04:51:12.345Z',
  service: 'id-service',
  instance: 'id-service-1',
  requestId: 'r-1',
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
};

const completed = JSON.stringify({
  ...base,
  level: 'info',
  method: 'POST',
  url: '/ids/snowflake',
  route: '/ids/snowflake',
  status: 200,
  durationMs: 1.25,
  msg: 'request completed',
});

describe(terminalLine.name, () => {
  it('hides request lines by default: they stay in the log file', () => {
    expect(terminalLine(completed, { accessLog: false })).toBeUndefined();
  });

  it('shows a request as one short line with --access-log', () => {
    expect(terminalLine(completed, { accessLog: true })).toBe(
      '04:51:12 POST /ids/snowflake → 200 in 1.25 ms',
    );
  });

  it('shows any other event as time, level, message and its own fields, without the ids', () => {
    const line = JSON.stringify({
      ...base,
      level: 'warn',
      service: 'user-service',
      code: 'ECONNREFUSED',
      retrying: true,
      msg: 'call to id-service failed: ECONNREFUSED',
    });
    expect(terminalLine(line, { accessLog: false })).toBe(
      '04:51:12 WARN call to id-service failed: ECONNREFUSED code=ECONNREFUSED retrying=true',
    );
  });

  it("gives an error's message, not its stack, and keeps the line short", () => {
    const line = JSON.stringify({
      ...base,
      level: 'error',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (y.js:1:1)\n'.repeat(40) },
      detail: 'x'.repeat(500),
      msg: 'internal error',
    });
    const shown = terminalLine(line, { accessLog: false })!;
    expect(shown).toMatch(/^04:51:12 ERROR internal error err=boom detail=x+…$/);
    expect(shown).not.toContain('at x');
    expect(shown.length).toBeLessThanOrEqual(240);
  });

  it('passes a line that is not JSON through as it is', () => {
    expect(terminalLine('Listening on 3101', { accessLog: false })).toBe('Listening on 3101');
    expect(terminalLine('{not json', { accessLog: false })).toBe('{not json');
  });
});

describe(`${terminalLine.name} in colour`, () => {
  const paint = painter(true);
  const event = (level: string) => JSON.stringify({ ...base, level, msg: 'something happened', code: 'X' });

  it('colours the level by how serious it is and greys the time, leaving the message plain', () => {
    expect(terminalLine(event('error'), { accessLog: false, paint })).toBe(
      `${paint('gray', '04:51:12')} ${paint('red', 'ERROR')} something happened code=X`,
    );
    expect(terminalLine(event('warn'), { accessLog: false, paint })).toContain(paint('yellow', 'WARN'));
    expect(terminalLine(event('info'), { accessLog: false, paint })).toContain(paint('green', 'INFO'));
  });

  it('shows a request answered 5xx in red, and others plain', () => {
    const failed = JSON.parse(completed) as Record<string, unknown>;
    failed['status'] = 503;
    expect(terminalLine(JSON.stringify(failed), { accessLog: true, paint })).toBe(
      `${paint('gray', '04:51:12')} ${paint('red', 'POST /ids/snowflake → 503 in 1.25 ms')}`,
    );
    expect(terminalLine(completed, { accessLog: true, paint })).toBe(
      `${paint('gray', '04:51:12')} POST /ids/snowflake → 200 in 1.25 ms`,
    );
  });

  it('clips the text, never the colour codes, and counts only what is visible', () => {
    const long = JSON.stringify({ ...base, level: 'error', msg: 'y'.repeat(500) });
    const shown = terminalLine(long, { accessLog: false, paint })!;
    expect(shown.endsWith('y…')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(shown.replace(/\u001b\[\d+m/g, '').length).toBe(240);
  });
});

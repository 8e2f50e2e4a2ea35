import { describe, expect, it } from '@jest/globals';

import { DEFAULT_DEADLINES, QUERY_TIMEOUT_MARGIN_MS, resolveDeadlines } from './deadlines.js';

describe(resolveDeadlines.name, () => {
  it('gives every pool a connect, statement, query and idle-in-transaction deadline by default', () => {
    expect(resolveDeadlines()).toEqual({
      connectionTimeoutMs: 2_000,
      statementTimeoutMs: 3_000,
      queryTimeoutMs: 3_500,
      idleInTransactionTimeoutMs: DEFAULT_DEADLINES.idleInTransactionTimeoutMs,
    });
  });

  it('has the client give up a little after the server would have cancelled the statement', () => {
    const { queryTimeoutMs } = resolveDeadlines({ statementTimeoutMs: 2_000 });
    expect(queryTimeoutMs).toBe(2_000 + QUERY_TIMEOUT_MARGIN_MS);
    expect(resolveDeadlines({ statementTimeoutMs: 2_000, queryTimeoutMs: 2_500 }).queryTimeoutMs).toBe(2_500);
  });

  it('turns the query timeout off only with the statement timeout, or when asked', () => {
    expect(resolveDeadlines({ statementTimeoutMs: 0 }).queryTimeoutMs).toBe(0);
    expect(resolveDeadlines({ queryTimeoutMs: 0 }).queryTimeoutMs).toBe(0);
  });

  it('refuses a query timeout the server’s statement timeout could not come first in', () => {
    expect(() => resolveDeadlines({ statementTimeoutMs: 2_000, queryTimeoutMs: 2_000 })).toThrow(
      'queryTimeoutMs (2000) must be longer than statementTimeoutMs (2000)',
    );
    expect(() => resolveDeadlines({ connectionTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => resolveDeadlines({ statementTimeoutMs: 1.5 })).toThrow(RangeError);
  });
});

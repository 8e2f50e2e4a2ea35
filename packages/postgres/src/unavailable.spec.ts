import vm from 'node:vm';

import { describe, expect, it } from '@jest/globals';

import {
  DatabaseUnavailableError,
  isDatabaseUnavailableError,
  isDatabaseUnreachable,
  rethrowUnreachable,
} from './unavailable.js';

const withCode = (code: string, message = `failed with ${code}`): Error =>
  Object.assign(new Error(message), { code });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe(isDatabaseUnreachable.name, () => {
  it.each([
    ['the client-side query timeout', new Error('Query read timeout')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['the connect timeout', new Error('timeout expired')],
    ['the pool checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['a client broken earlier', new Error('Client has encountered a connection error and is not queryable')],
    ['a refused port', withCode('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a TCP timeout', withCode('ETIMEDOUT')],
    ['the statement timeout (57014)', withCode('57014', 'canceling statement due to statement timeout')],
    ['an admin shutdown (57P01)', withCode('57P01')],
    ['a server starting or in recovery (57P03)', withCode('57P03')],
    ['too many connections (53300)', withCode('53300')],
    [
      'a connect timeout wrapped by pg-pool',
      new Error('Connection terminated due to connection timeout', { cause: new Error('timeout expired') }),
    ],
    [
      'a wrapper whose cause is unreachable',
      new Error('loading the user failed', { cause: withCode('ECONNREFUSED') }),
    ],
    [
      'every address refused',
      Object.assign(new AggregateError([withCode('ECONNREFUSED')], ''), { code: undefined }),
    ],
  ])('recognises %s', (_, error) => {
    expect(isDatabaseUnreachable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601')],
    ['a serialization failure (the caller retries it, the database is fine)', withCode('40001')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a non-error', 'Query read timeout'],
    ['nothing', undefined],
  ])('does not take %s for an unreachable database', (_, error) => {
    expect(isDatabaseUnreachable(error)).toBe(false);
  });

  it('survives an error that is its own cause', () => {
    const loop: Error = new Error('loop');
    Object.assign(loop, { cause: loop });
    expect(isDatabaseUnreachable(loop)).toBe(false);
  });

  it("judges an error made in another realm (Node's core, under a vm context) by its shape", () => {
    const foreign: unknown = vm.runInNewContext(
      "Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })",
    );
    expect(foreign instanceof Error).toBe(false);
    expect(isDatabaseUnreachable(foreign)).toBe(true);
    expect(isDatabaseUnreachable({ code: '23505', message: 'duplicate key' })).toBe(false);
  });
});

describe(DatabaseUnavailableError.name, () => {
  it('has the platform error shape: 503 unavailable, a dependency failure, retry after a second', () => {
    const cause = new Error('Query read timeout');
    const error = new DatabaseUnavailableError({ cause });
    expect(error).toMatchObject({
      name: 'DatabaseUnavailableError',
      code: 'database_unavailable',
      kind: 'unavailable',
      origin: 'dependency',
      retryAfterSeconds: 1,
      cause,
    });
    expect(error.message).not.toContain('Query read timeout');
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(isDatabaseUnavailableError(cause)).toBe(false);
  });
});

describe(rethrowUnreachable.name, () => {
  it('turns an unreachable database into DatabaseUnavailableError, caused by the original', () => {
    const cause = withCode('ECONNREFUSED');
    const error = thrown(() => rethrowUnreachable(cause));
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).cause).toBe(cause);
  });

  it('rethrows every other error unchanged, a DatabaseUnavailableError included', () => {
    const duplicate = withCode('23505');
    expect(thrown(() => rethrowUnreachable(duplicate))).toBe(duplicate);
    const already = new DatabaseUnavailableError();
    expect(thrown(() => rethrowUnreachable(already))).toBe(already);
  });
});

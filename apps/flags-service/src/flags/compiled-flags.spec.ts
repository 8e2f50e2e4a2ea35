import { describe, expect, it } from '@jest/globals';

import type { Flag, Segment } from '@platform/flags';
import { createLogger } from '@platform/observability';
import { LogCapture } from '@platform/testing';

import { CompiledFlags, type FlagSource } from './compiled-flags.js';
import type { StoredFlag, StoredSegment } from './flag.js';
import { FlagNotFoundError, FlagsUnavailableError } from './flag.errors.js';

const AT = new Date('2026-01-01T00:00:00Z');

/** Definitions in memory, like the repository's; the database can be made to fail or to hang. */
class FakeSource implements FlagSource {
  readonly flags = new Map<string, StoredFlag>();
  readonly segments = new Map<string, StoredSegment>();
  database: 'answers' | 'fails' | 'hangs' = 'answers';
  queries = 0;
  /** Resolves the next query only when called, to change definitions while a load is in flight. */
  private held: (() => void)[] = [];
  holdNext = false;

  putFlag(definition: Flag, version: number): void {
    this.flags.set(definition.key, { definition, version, createdAt: AT, updatedAt: AT });
  }

  putSegment(definition: Segment, version: number): void {
    this.segments.set(definition.key, { definition, version, createdAt: AT, updatedAt: AT });
  }

  release(): void {
    for (const resume of this.held.splice(0)) resume();
  }

  findFlag(key: string): Promise<StoredFlag | undefined> {
    return this.query(() => this.flags.get(key));
  }

  findSegments(keys: readonly string[]): Promise<StoredSegment[]> {
    return this.query(() => keys.flatMap((key) => this.segments.get(key) ?? []));
  }

  private query<T>(read: () => T): Promise<T> {
    this.queries++;
    if (this.database === 'hangs') return new Promise<T>(() => undefined);
    if (this.database === 'fails') return Promise.reject(new Error('connect ECONNREFUSED'));
    if (this.holdNext) {
      this.holdNext = false;
      const value = read(); // read now, answered later
      return new Promise<T>((resolve) => this.held.push(() => resolve(value)));
    }
    return Promise.resolve(read());
  }
}

function flagFor(variant: 'on' | 'off', segment?: string): Flag {
  return {
    key: 'checkout',
    enabled: true,
    variants: { on: true, off: false },
    offVariant: 'off',
    rules: segment ? [{ conditions: [{ segment }], serve: { variant: 'on' } }] : [],
    defaultRule: { variant },
  };
}

function setUp(options: { loadTimeoutMs?: number; retryMs?: number } = {}) {
  const source = new FakeSource();
  const logs = new LogCapture();
  let now = 0;
  const compiled = new CompiledFlags({
    source,
    logger: createLogger({ service: 'test', instance: 'test', level: 'debug', destination: logs }),
    loadTimeoutMs: options.loadTimeoutMs ?? 50,
    retryMs: options.retryMs ?? 1_000,
    now: () => now,
  });
  const served = async (key = 'checkout', context: Record<string, string> = { userId: 'u-1' }) => {
    const { evaluation, version } = await compiled.evaluate(key, context);
    return `${String(evaluation.variant)} v${version}`;
  };
  return { source, logs, compiled, served, advance: (ms: number) => (now += ms) };
}

describe(CompiledFlags.name, () => {
  it('loads a flag once per version and answers from memory after that', async () => {
    const { source, served } = setUp();
    source.putFlag(flagFor('on'), 1);

    expect(await served()).toBe('on v1');
    expect(await served()).toBe('on v1');
    expect(source.queries).toBe(1); // no segments to read
  });

  it('drops a flag when a newer version of it commits, and loads that version next', async () => {
    const { source, compiled, served } = setUp();
    source.putFlag(flagFor('on'), 1);
    await served();

    source.putFlag(flagFor('off'), 2);
    compiled.changed({ kind: 'flag', key: 'checkout', version: 2 });

    expect(await served()).toBe('off v2');
    compiled.changed({ kind: 'flag', key: 'checkout', version: 2 }); // the same news twice
    expect(await served()).toBe('off v2');
    expect(source.queries).toBe(2);
  });

  it('recompiles the flags using a segment when the segment changes, and only those', async () => {
    const { source, compiled, served } = setUp();
    source.putSegment({ key: 'beta', includedUserIds: ['u-1'] }, 1);
    source.putFlag(flagFor('off', 'beta'), 1);
    source.putFlag({ ...flagFor('on'), key: 'unrelated' }, 1);
    expect(await served()).toBe('on v1');
    await served('unrelated');
    const queries = source.queries;

    source.putSegment({ key: 'beta', includedUserIds: ['u-2'] }, 2);
    compiled.changed({ kind: 'segment', key: 'beta', version: 2 });

    expect(await served()).toBe('off v1'); // same flag version, the new segment
    expect(await served('unrelated')).toBe('on v1');
    expect(source.queries).toBe(queries + 2); // the flag and its segment, nothing for 'unrelated'
  });

  it('never answers a version older than a change it has heard of, even from a load already in flight', async () => {
    const { source, compiled, served } = setUp();
    source.putFlag(flagFor('on'), 1);
    source.holdNext = true;
    const before = served(); // reads v1, held up in the database

    source.putFlag(flagFor('off'), 2);
    compiled.changed({ kind: 'flag', key: 'checkout', version: 2 });
    const after = await served();
    source.release();

    expect(after).toBe('off v2');
    expect(await before).toBe('on v1'); // it was asked before the change
    expect(await served()).toBe('off v2'); // the older load was not kept
  });

  it('answers 404 for a flag that does not exist, asking again next time', async () => {
    const { source, compiled, served } = setUp();

    await expect(compiled.evaluate('nope', {})).rejects.toBeInstanceOf(FlagNotFoundError);
    source.putFlag({ ...flagFor('on'), key: 'nope' }, 1);
    expect(await served('nope')).toBe('on v1');
  });

  it('keeps answering the flags it holds while the database hangs, and 503 for the others', async () => {
    const { source, served } = setUp();
    source.putFlag(flagFor('on'), 1);
    await served();
    source.database = 'hangs';
    const queries = source.queries;

    expect(await served()).toBe('on v1');
    expect(source.queries).toBe(queries);
    await expect(served('other')).rejects.toBeInstanceOf(FlagsUnavailableError);
  });

  it('after a resync with the database down, answers from the version held, asking at most once per retry period', async () => {
    const { source, compiled, served, advance, logs } = setUp({ retryMs: 1_000 });
    source.putFlag(flagFor('on'), 1);
    await served();
    compiled.resync();

    source.database = 'fails';
    expect(await served()).toBe('on v1');
    const queries = source.queries;
    expect(await served()).toBe('on v1');
    expect(source.queries).toBe(queries); // not asked again within the retry period
    source.database = 'hangs';
    advance(1_000);
    expect(await served()).toBe('on v1'); // after waiting loadTimeoutMs for the hung load
    expect(source.queries).toBe(queries + 1);
    expect(await served()).toBe('on v1'); // at once: the hung load is past its deadline

    source.database = 'answers';
    source.putFlag(flagFor('off'), 2);
    advance(1_050); // a retry period past the hung load's deadline: it is given up, and asked again
    expect(await served()).toBe('off v2');
    expect(logs.matching('did not answer')).toHaveLength(1);
    expect(logs.matching('answers again')).toHaveLength(1);
  });

  it('logs the patterns RE2 cannot run once per version, and evaluates them as not matching', async () => {
    const { source, compiled, served, logs } = setUp();
    const withLookahead: Flag = {
      ...flagFor('off'),
      rules: [
        {
          conditions: [{ attribute: 'email', operator: 'matches', values: ['^(?!guest)'] }],
          serve: { variant: 'on' },
        },
      ],
    };
    source.putFlag(withLookahead, 1);

    expect(await served('checkout', { email: 'ada@example.com' })).toBe('off v1');
    compiled.resync();
    await served();
    source.putFlag(withLookahead, 2);
    compiled.changed({ kind: 'flag', key: 'checkout', version: 2 });
    await served();

    const warnings = logs.matching('patterns RE2 cannot run');
    expect(warnings.map((line) => line.version)).toEqual([1, 2]);
    expect(warnings[0]).toMatchObject({
      kind: 'flag',
      key: 'checkout',
      problems: [{ field: 'rules[0].conditions[0].values[0]' }],
    });
  });
});

import { describe, expect, it } from '@jest/globals';

import {
  acceptTracestate,
  continueOrStartTrace,
  formatTraceparent,
  parseTraceparent,
} from './trace-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;

describe(parseTraceparent.name, () => {
  it("reads the trace id, the caller's span and the sampled flag of a version 00 header", () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, parentId: PARENT_ID, sampled: true });
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)?.sampled).toBe(false);
    // Only the lowest bit means "sampled"; other flags are not ours to interpret.
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-03`)?.sampled).toBe(true);
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-02`)?.sampled).toBe(false);
  });

  it('reads a later version as far as version 00 goes, ignoring the fields it appends', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      parentId: PARENT_ID,
      sampled: true,
    });
    expect(parseTraceparent(`cc-${TRACE_ID}-${PARENT_ID}-00-what-the-future-holds`)).toEqual({
      traceId: TRACE_ID,
      parentId: PARENT_ID,
      sampled: false,
    });
  });

  it('takes a header sent once as a one-element list', () => {
    expect(parseTraceparent([VALID])?.traceId).toBe(TRACE_ID);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['sent twice', [VALID, VALID]],
    ['sent twice, joined by the HTTP stack', `${VALID}, ${VALID}`],
    ['version ff (forbidden)', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with an extra field', `${VALID}-extra`],
    ['a later version running into its next field without a dash', `01-${TRACE_ID}-${PARENT_ID}-01x`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['an uppercase trace id', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['an uppercase parent id', `00-${TRACE_ID}-${PARENT_ID.toUpperCase()}-01`],
    ['uppercase flags', `00-${TRACE_ID}-${PARENT_ID}-0A`],
    ['an uppercase version', `0A-${TRACE_ID}-${PARENT_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a long trace id', `00-${TRACE_ID}0-${PARENT_ID}-01`],
    ['a short parent id', `00-${TRACE_ID}-${PARENT_ID.slice(1)}-01`],
    ['a long parent id', `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ['one-character flags', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['three-character flags', `00-${TRACE_ID}-${PARENT_ID}-001`],
    ['a one-character version', `0-${TRACE_ID}-${PARENT_ID}-01`],
    ['non-hex characters', `00-${TRACE_ID.slice(0, -1)}g-${PARENT_ID}-01`],
    ['other delimiters', `00_${TRACE_ID}_${PARENT_ID}_01`],
    ['a missing field', `00-${TRACE_ID}-01`],
    ['a line break (log injection)', `00-${TRACE_ID}-${PARENT_ID}-01\ninjected`],
    ['padding inside', `00- ${TRACE_ID}-${PARENT_ID}-01`],
  ])('rejects a header that is %s', (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe(formatTraceparent.name, () => {
  it('writes version 00 with only the sampled flag, and reads back as it was', () => {
    expect(formatTraceparent(TRACE_ID, PARENT_ID, true)).toBe(VALID);
    expect(formatTraceparent(TRACE_ID, PARENT_ID, false)).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`);
    expect(parseTraceparent(formatTraceparent(TRACE_ID, PARENT_ID, false))).toEqual({
      traceId: TRACE_ID,
      parentId: PARENT_ID,
      sampled: false,
    });
  });
});

describe(acceptTracestate.name, () => {
  it('keeps a list of key=value members as it came, repeated headers as one list', () => {
    expect(acceptTracestate('congo=t61rcWkgMzE')).toBe('congo=t61rcWkgMzE');
    expect(acceptTracestate('rojo=00f067aa0ba902b7, congo=t61rcWkgMzE,tenant@vendor=x y')).toBe(
      'rojo=00f067aa0ba902b7, congo=t61rcWkgMzE,tenant@vendor=x y',
    );
    expect(acceptTracestate(['rojo=1', 'congo=2'])).toBe('rojo=1,congo=2');
    // Empty members are allowed by the list grammar.
    expect(acceptTracestate('rojo=1,,congo=2')).toBe('rojo=1,,congo=2');
  });

  it('keeps 512 characters and 32 members, the least every hop must pass on', () => {
    const members = Array.from({ length: 32 }, (_, i) => `k${String(i).padStart(2, '0')}=${'v'.repeat(11)}`);
    const list = members.join(',').padEnd(512, 'v');
    expect(list).toHaveLength(512);
    expect(acceptTracestate(list)).toBe(list);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['longer than 512 characters', `a=${'v'.repeat(511)}`],
    ['of more than 32 members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
    ['a line break (log injection)', 'rojo=1\ncongo=2'],
    ['non-ASCII', 'rojo=café'],
    ['a member without a value', 'rojo=1,congo'],
    ['a member with an uppercase key', 'Rojo=1'],
    ['a member whose key starts with an underscore', '_rojo=1'],
    ['a tab', 'rojo=1\t,congo=2'],
    ['a member with two equals signs', 'rojo=1=2'],
  ])('drops a tracestate that is %s', (_, header) => {
    expect(acceptTracestate(header)).toBeUndefined();
  });
});

describe(continueOrStartTrace.name, () => {
  const HEX_16 = /^[0-9a-f]{16}$/;
  const HEX_32 = /^[0-9a-f]{32}$/;

  it("continues a valid incoming trace in a span of its own, with the caller's span as parent", () => {
    const trace = continueOrStartTrace(VALID, 'congo=t61rcWkgMzE');

    expect(trace).toEqual({
      traceId: TRACE_ID,
      spanId: expect.stringMatching(HEX_16),
      parentSpanId: PARENT_ID,
      sampled: true,
      tracestate: 'congo=t61rcWkgMzE',
      traceparent: `00-${TRACE_ID}-${trace.spanId}-01`,
    });
    expect(trace.spanId).not.toBe(PARENT_ID);
  });

  it("passes the caller's sampling decision on", () => {
    const trace = continueOrStartTrace(`00-${TRACE_ID}-${PARENT_ID}-00`, undefined);
    expect(trace.sampled).toBe(false);
    expect(trace.traceparent).toBe(`00-${TRACE_ID}-${trace.spanId}-00`);
  });

  it('answers a later version in version 00', () => {
    const trace = continueOrStartTrace(`01-${TRACE_ID}-${PARENT_ID}-01-extra`, undefined);
    expect(trace.traceparent).toBe(`00-${TRACE_ID}-${trace.spanId}-01`);
  });

  it('starts a new sampled trace without a parent when the header is missing or malformed', () => {
    for (const header of [undefined, `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`, `ff-${TRACE_ID}-x`]) {
      const trace = continueOrStartTrace(header, undefined);
      expect(trace).toEqual({
        traceId: expect.stringMatching(HEX_32),
        spanId: expect.stringMatching(HEX_16),
        parentSpanId: undefined,
        sampled: true,
        tracestate: undefined,
        traceparent: `00-${trace.traceId}-${trace.spanId}-01`,
      });
      expect(trace.traceId).not.toBe(TRACE_ID);
    }
  });

  it('drops the tracestate of a trace it does not continue, and a malformed one of a trace it does', () => {
    expect(continueOrStartTrace('garbage', 'congo=t61rcWkgMzE').tracestate).toBeUndefined();
    expect(continueOrStartTrace(VALID, 'congo=t61rc\r\nX-Evil: 1').tracestate).toBeUndefined();
  });

  it('gives every request a different span, and every new trace a different id', () => {
    const continued = Array.from({ length: 1_000 }, () => continueOrStartTrace(VALID, undefined).spanId);
    const started = Array.from({ length: 1_000 }, () => continueOrStartTrace(undefined, undefined).traceId);
    expect(new Set(continued).size).toBe(1_000);
    expect(new Set(started).size).toBe(1_000);
  });
});

import { INVALID_SPAN_ID, INVALID_TRACE_ID, newSpanId, newTraceId } from './trace-ids.js';

/** W3C Trace Context (https://www.w3.org/TR/trace-context/): the caller's trace and span. */
export const TRACEPARENT_HEADER = 'traceparent';
/** W3C Trace Context: vendor-specific trace data, passed on unchanged. */
export const TRACESTATE_HEADER = 'tracestate';
/**
 * The answering service's trace and span, in traceparent format (W3C Trace Context Level 2 draft),
 * so whoever made a request can find its log lines by trace id.
 */
export const TRACERESPONSE_HEADER = 'traceresponse';

/** What a valid incoming `traceparent` says. */
export interface TraceParent {
  readonly traceId: string;
  /** The caller's span: the parent of the span that serves this request. */
  readonly parentId: string;
  readonly sampled: boolean;
}

/** The trace one request belongs to, and the span this service serves it in. */
export interface TraceContext {
  /** 32 lowercase hex characters; the same in every service the request reaches. */
  readonly traceId: string;
  /** 16 lowercase hex characters; new for each request a service serves. */
  readonly spanId: string;
  /** The caller's span, when the request continued a trace; undefined at the start of one. */
  readonly parentSpanId: string | undefined;
  /** The caller's sampling decision (a trace started here is sampled: every request is logged). */
  readonly sampled: boolean;
  /** The caller's `tracestate`, passed on as it came when it looked sane. */
  readonly tracestate: string | undefined;
  /**
   * `00-<traceId>-<spanId>-<flags>`: this span as the parent of each call it makes, and the
   * `traceresponse` it answers with. Built once per request.
   */
  readonly traceparent: string;
}

// Version 00 is exactly 55 characters; a later version may append fields after a dash (§3.2.4).
const VERSION_00 = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const LATER_VERSION = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/;

/**
 * The trace and parent span of a `traceparent` header, or undefined when it is missing or malformed:
 * not lowercase hex, a field of the wrong length, an all-zero trace or parent id, version `ff`,
 * version 00 with anything after the flags, or the header sent twice. A later version (01-fe) is
 * read as far as version 00 goes, as the specification asks.
 */
export function parseTraceparent(header: string | string[] | undefined): TraceParent | undefined {
  const value = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
  if (value === undefined) return undefined;
  const valid = value.startsWith('00')
    ? VERSION_00.test(value)
    : !value.startsWith('ff') && LATER_VERSION.test(value);
  if (!valid) return undefined;
  const traceId = value.slice(3, 35);
  const parentId = value.slice(36, 52);
  if (traceId === INVALID_TRACE_ID || parentId === INVALID_SPAN_ID) return undefined;
  return { traceId, parentId, sampled: (Number.parseInt(value.slice(53, 55), 16) & 1) === 1 };
}

/** A version 00 `traceparent` (or `traceresponse`) value. */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/** At least what the specification asks every hop to pass on (§3.3.1.5). */
const TRACESTATE_MAX_LENGTH = 512;
const TRACESTATE_MAX_MEMBERS = 32;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** `key=value`: a simple or `tenant@system` key, a value without `,` or `=` not ending in a space. */
const TRACESTATE_MEMBER =
  /^[a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * A caller's `tracestate`, to pass on as it came, when it is a list of at most 32 `key=value`
 * members in at most 512 printable ASCII characters; anything else is dropped whole (a line break
 * or a megabyte never reaches a log line or a header). Repeated headers are one list.
 */
export function acceptTracestate(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value || value.length > TRACESTATE_MAX_LENGTH || !PRINTABLE_ASCII.test(value)) return undefined;
  const members = value.split(',');
  if (members.length > TRACESTATE_MAX_MEMBERS) return undefined;
  for (const member of members) {
    const trimmed = member.trim();
    if (trimmed !== '' && !TRACESTATE_MEMBER.test(trimmed)) return undefined;
  }
  return value;
}

/**
 * The trace context of a request: the caller's trace when its `traceparent` is valid (its span as
 * the parent, its sampling decision and its `tracestate`), a new sampled trace otherwise — never a
 * half-trusted mix. Either way the request gets a new span id of its own.
 */
export function continueOrStartTrace(
  traceparent: string | string[] | undefined,
  tracestate: string | string[] | undefined,
): TraceContext {
  const spanId = newSpanId();
  const parent = parseTraceparent(traceparent);
  if (!parent) {
    const traceId = newTraceId();
    return {
      traceId,
      spanId,
      parentSpanId: undefined,
      sampled: true,
      tracestate: undefined,
      traceparent: formatTraceparent(traceId, spanId, true),
    };
  }
  return {
    traceId: parent.traceId,
    spanId,
    parentSpanId: parent.parentId,
    sampled: parent.sampled,
    tracestate: acceptTracestate(tracestate),
    traceparent: formatTraceparent(parent.traceId, spanId, parent.sampled),
  };
}

import { z } from 'zod';

import { LIMITS, validateFlag, validateSegment, type Flag, type Segment } from '@platform/flags';

/**
 * One message on the flags topic (flags-service publishes it from its outbox), keyed `flag:<key>` or
 * `segment:<key>`. The topic is compacted, so the latest message per key is that definition's state;
 * a deletion is a message of its own (`deleted: true`, the next version), never a Kafka tombstone, so
 * it carries a version and an older update read after it cannot bring the definition back.
 */
export const FLAG_RECORD_VERSION = 1;

/** The topic flags-service publishes on unless configured otherwise (`FLAGS_TOPIC`). */
export const DEFAULT_FLAGS_TOPIC = 'platform.flags';

export type DefinitionKind = 'flag' | 'segment';

/** One record of a kind: a definition, or a deletion (the definition is then null). */
export type DefinitionRecord<K extends DefinitionKind, D> = {
  readonly v: typeof FLAG_RECORD_VERSION;
  readonly kind: K;
  readonly key: string;
  /** Grows by one with every change of this key, a deletion included. */
  readonly version: number;
} & (
  { readonly deleted: false; readonly definition: D } | { readonly deleted: true; readonly definition: null }
);

export type FlagRecord = DefinitionRecord<'flag', Flag> | DefinitionRecord<'segment', Segment>;

/**
 * Why a message was ignored: `bad_key` (missing, or not `flag:<key>` / `segment:<key>`), `no_value`
 * (a Kafka tombstone: deletions come as `deleted: true`), `not_json`, `unsupported_version` (`v` is not
 * 1: a format this SDK does not know), `schema` (the envelope is malformed), `key_mismatch` (the value
 * is about another key than the message key), `invalid_definition` (the flag or segment fails
 * validation by @platform/flags).
 */
export type InvalidReason =
  | 'bad_key'
  | 'no_value'
  | 'not_json'
  | 'unsupported_version'
  | 'schema'
  | 'key_mismatch'
  | 'invalid_definition';

export type ParsedRecord =
  | { readonly ok: true; readonly record: FlagRecord }
  | { readonly ok: false; readonly reason: InvalidReason; readonly problem: string };

const envelopeSchema = z
  .object({
    v: z.literal(FLAG_RECORD_VERSION),
    kind: z.enum(['flag', 'segment']),
    key: z.string().min(1).max(LIMITS.keyLength),
    version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    deleted: z.boolean(),
    definition: z.unknown(),
  })
  .strict();

const MESSAGE_KEY = /^(flag|segment):(.+)$/;

/** The message key of a definition: `flag:new-checkout`, `segment:beta-testers`. */
export function messageKeyOf(kind: DefinitionKind, key: string): string {
  return `${kind}:${key}`;
}

/** Classifies one raw message from the topic; never throws. */
export function parseFlagMessage(key: Buffer | null, value: Buffer | null): ParsedRecord {
  const messageKey = key?.toString('utf8') ?? '';
  if (!MESSAGE_KEY.test(messageKey)) {
    return invalid(
      'bad_key',
      `the message key ${JSON.stringify(messageKey)} is not flag:<key> or segment:<key>`,
    );
  }
  if (value === null) {
    return invalid('no_value', `${messageKey} has no value (a tombstone); deletions come as deleted: true`);
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return invalid('not_json', `the value of ${messageKey} is not JSON`);
  }
  const checked = checkFlagRecord(json);
  if (!checked.ok) return checked;
  const expectedKey = messageKeyOf(checked.record.kind, checked.record.key);
  if (expectedKey !== messageKey) {
    return invalid('key_mismatch', `the message key ${messageKey} ≠ ${expectedKey} of its value`);
  }
  return checked;
}

/**
 * Checks a record already parsed from JSON (a message value, or an entry of a snapshot file): the
 * envelope, then the definition with the same validators flags-service uses, and that the definition's
 * key is the record's key. The record holds the given definition object itself, not a copy.
 */
export function checkFlagRecord(json: unknown): ParsedRecord {
  const v = typeof json === 'object' && json !== null ? (json as { v?: unknown }).v : undefined;
  if (v !== FLAG_RECORD_VERSION) {
    return invalid('unsupported_version', `v is ${JSON.stringify(v) ?? 'missing'}; this SDK reads v 1`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    const problem = envelope.error.issues
      .map((i) => `${i.path.join('.') || 'value'} ${i.message}`)
      .join('; ');
    return invalid('schema', problem);
  }
  const { kind, key, version, deleted, definition } = envelope.data;
  const what = `${kind} ${key} v${version}`;
  if (deleted) {
    if (definition !== null) return invalid('schema', `${what}: a deletion has definition null`);
    return { ok: true, record: { v: FLAG_RECORD_VERSION, kind, key, version, deleted, definition } };
  }
  // The segments a flag refers to are not checked here: they may arrive later, and until they do the
  // flag fails closed (see CompiledFlag), as flags-service would never publish it that way. A pattern
  // RE2 cannot run (published before flags-service checked patterns) is allowed: it never matches, and
  // the client logs it (see FlagsClient), rather than dropping the whole definition.
  const allow = { unusablePatterns: 'allow' } as const;
  const validation = kind === 'flag' ? validateFlag(definition, allow) : validateSegment(definition, allow);
  if (!validation.ok) {
    const problem = validation.problems.map((p) => (p.field ? `${p.field} ${p.problem}` : p.problem));
    return invalid('invalid_definition', `${what}: ${problem.join('; ')}`);
  }
  const definitionKey = (definition as Flag | Segment).key;
  if (definitionKey !== key) {
    return invalid('key_mismatch', `${what}: the definition's key is '${definitionKey}'`);
  }
  const header = { v: FLAG_RECORD_VERSION, key, version, deleted: false } as const;
  return 'flag' in validation
    ? { ok: true, record: { ...header, kind: 'flag', definition: validation.flag } }
    : { ok: true, record: { ...header, kind: 'segment', definition: validation.segment } };
}

function invalid(reason: InvalidReason, problem: string): ParsedRecord {
  return { ok: false, reason, problem };
}

import { z } from 'zod';

/**
 * One message on the registry topic, keyed by instance id. The latest message per key is the
 * instance's state (the topic is compacted); a null value (tombstone) means it left.
 */
export const INSTANCE_RECORD_VERSION = 1;

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and -');
const token = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, . _ : -');

export const instanceRecordSchema = z
  .object({
    v: z.literal(INSTANCE_RECORD_VERSION),
    service: name,
    instanceId: token,
    host: z.string().regex(/^[A-Za-z0-9.:[\]-]{1,253}$/, 'must be a host name or IP address'),
    port: z.number().int().min(1).max(65_535),
    version: token,
    /** The release group (`stable`, `canary`, `blue`, `green`...); records from before it existed are stable. */
    track: token.optional(),
    zone: token,
    /** Free-form labels (track, build, datacenter/worker ids...). */
    metadata: z
      .record(z.string().max(64), z.string().max(256))
      .refine((value) => Object.keys(value).length <= 32, 'at most 32 entries'),
    /** An instance not heard from for this long is dropped by every view. */
    ttlMs: z.number().int().min(1_000).max(300_000),
    /** `draining`: finishing its work; send it nothing new. */
    status: z.enum(['up', 'draining']),
    /** Unix ms when this message was written, by the instance's clock. */
    heartbeatAt: z.number().int().positive(),
    startedAt: z.number().int().positive(),
  })
  .strict();

export type InstanceRecord = z.infer<typeof instanceRecordSchema>;

export type InvalidReason = 'no_key' | 'not_json' | 'schema' | 'key_mismatch';

export type ParsedMessage =
  | { readonly kind: 'record'; readonly record: InstanceRecord }
  | { readonly kind: 'tombstone'; readonly instanceId: string }
  | { readonly kind: 'invalid'; readonly reason: InvalidReason; readonly problem: string };

/** Classifies one raw message from the topic; never throws. */
export function parseRegistryMessage(key: Buffer | null, value: Buffer | null): ParsedMessage {
  const instanceId = key?.toString('utf8');
  if (!instanceId || !token.safeParse(instanceId).success) {
    return { kind: 'invalid', reason: 'no_key', problem: 'the key is missing or is not an instance id' };
  }
  if (value === null) return { kind: 'tombstone', instanceId };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'not_json', problem: 'the value is not JSON' };
  }
  const result = instanceRecordSchema.safeParse(json);
  if (!result.success) {
    const problem = result.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ');
    return { kind: 'invalid', reason: 'schema', problem };
  }
  if (result.data.instanceId !== instanceId) {
    return {
      kind: 'invalid',
      reason: 'key_mismatch',
      problem: `key ${instanceId} ≠ instanceId ${result.data.instanceId}`,
    };
  }
  return { kind: 'record', record: result.data };
}

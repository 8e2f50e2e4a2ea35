import { PlatformError } from '@platform/service-kit';

import type { IdKind } from './id-kinds.js';

export class MalformedIdError extends PlatformError {
  readonly code = 'malformed_id';
  readonly kind = 'invalid';

  constructor(idKind: IdKind, problem: string) {
    super(`not a valid ${idKind} id: ${problem}`);
  }
}

export class ShardRequiredError extends PlatformError {
  readonly code = 'validation_failed';
  readonly kind = 'invalid';

  constructor(idKind: IdKind, given: boolean) {
    super(
      given
        ? `shard only applies to instagram ids, not ${idKind}`
        : 'instagram ids need a shard: POST /ids/instagram?shard=<0-8191>&count=<n>',
    );
  }
}

/** Parses a decimal 64-bit id (`bits` 63 for signed, 64 for unsigned) or throws MalformedIdError. */
export function parseDecimalId(idKind: IdKind, text: string, bits: 63 | 64): bigint {
  if (!/^\d{1,20}$/.test(text)) throw new MalformedIdError(idKind, 'it must be a decimal number');
  const id = BigInt(text);
  if (id >= 1n << BigInt(bits)) throw new MalformedIdError(idKind, `it does not fit ${bits} bits`);
  return id;
}

/** Runs a decoder of @platform/ids, turning its RangeError into a MalformedIdError. */
export function decodeOrThrow<T>(idKind: IdKind, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof RangeError) throw new MalformedIdError(idKind, error.message);
    throw error;
  }
}

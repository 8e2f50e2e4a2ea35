import { stableHash32 } from '@platform/hashing';

/**
 * The hash every hashing strategy here uses: the platform's {@link stableHash32} of the key's text —
 * a string as it is, a bigint as its decimal digits. The same in every process and version, and easy
 * to reproduce in SQL or another language.
 */
export function hashKey(key: bigint | string): number {
  return stableHash32(typeof key === 'string' ? key : key.toString());
}

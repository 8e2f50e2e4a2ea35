const utf8 = new TextEncoder();

/**
 * The stable 32-bit hash every hashing strategy here uses: FNV-1a (32-bit) over the UTF-8 bytes of
 * the key's text — a string as it is, a bigint as its decimal digits — then MurmurHash3's fmix32
 * finaliser, so that neighbouring keys (`…001`, `…002`) land far apart. Not cryptographic; the same
 * in every process and version, and easy to reproduce in SQL or another language.
 */
export function hashKey(key: bigint | string): number {
  const bytes = utf8.encode(typeof key === 'string' ? key : key.toString());
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

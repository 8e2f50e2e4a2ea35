/**
 * The stable 32-bit string hash the platform places things with: consistent hashing in the gateway
 * (`@platform/balancing`), keys on shards (`@platform/sharding`) and users in flag rollouts
 * (`@platform/flags`):
 *
 *     stableHash32(text) = fmix32(FNV-1a-32(UTF-8 bytes of text))
 *
 * FNV-1a is fast and simple; MurmurHash3's fmix32 finaliser then spreads neighbouring inputs
 * (`user-1`, `user-2`) far apart. Not cryptographic. It is the same in every process, version and
 * language that follows this formula (the tests pin values), so whatever was placed with it stays
 * where it was.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Continues an FNV-1a hash over the UTF-8 encoding of `text`, without allocating: the code units are
 * encoded on the fly, as `TextEncoder` would (a lone surrogate as U+FFFD).
 */
function fnv1aUtf8(hash: number, text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      hash = Math.imul(hash ^ code, FNV_PRIME);
      continue;
    }
    if (code < 0x800) {
      hash = Math.imul(hash ^ (0xc0 | (code >> 6)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), FNV_PRIME);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        hash = Math.imul(hash ^ (0xf0 | (code >> 18)), FNV_PRIME);
        hash = Math.imul(hash ^ (0x80 | ((code >> 12) & 0x3f)), FNV_PRIME);
        hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
        hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), FNV_PRIME);
        continue;
      }
      code = 0xfffd;
    }
    hash = Math.imul(hash ^ (0xe0 | (code >> 12)), FNV_PRIME);
    hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), FNV_PRIME);
  }
  return hash;
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** fmix32(FNV-1a-32(UTF-8 of `text`)), unsigned. */
export function stableHash32(text: string): number {
  return fmix32(fnv1aUtf8(FNV_OFFSET, text));
}

/**
 * {@link stableHash32} of `prefix + rest` for many `rest`s, with the prefix hashed once: the hot path
 * hashes only `rest` and builds no string.
 */
export function stableHash32WithPrefix(prefix: string): (rest: string) => number {
  const seed = fnv1aUtf8(FNV_OFFSET, prefix);
  return (rest) => fmix32(fnv1aUtf8(seed, rest));
}

/**
 * A fast, well-mixed 32-bit string hash for the consistent-hash ring: FNV-1a over the UTF-16 code
 * units, then MurmurHash3's finaliser so that similar strings ("a#1", "a#2") land far apart. Not
 * cryptographic; stable across processes and versions, so every gateway maps a key the same way.
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

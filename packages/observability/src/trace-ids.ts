import { randomFillSync } from 'node:crypto';

/** Bytes of cryptographic randomness drawn at once; one draw serves about 340 new traces. */
const POOL_BYTES = 8192;

const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * `bytes` random bytes as lowercase hex. Like `crypto.randomUUID()`, it draws randomness in blocks
 * and hands out each byte once: one system call per few hundred ids, and no buffer per id — only
 * the string itself is allocated.
 */
function randomHex(bytes: number): string {
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}

/** A new W3C trace-id: 16 random bytes as 32 lowercase hex characters, never all zeros. */
export function newTraceId(): string {
  let id = randomHex(16);
  while (id === ZERO_TRACE_ID) id = randomHex(16);
  return id;
}

/** A new W3C span (parent) id: 8 random bytes as 16 lowercase hex characters, never all zeros. */
export function newSpanId(): string {
  let id = randomHex(8);
  while (id === ZERO_SPAN_ID) id = randomHex(8);
  return id;
}

export const INVALID_TRACE_ID = ZERO_TRACE_ID;
export const INVALID_SPAN_ID = ZERO_SPAN_ID;

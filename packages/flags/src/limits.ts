/**
 * The sizes a definition may have. They keep one flag cheap to store, ship to every service and
 * evaluate, and keep a mistaken paste (a million-entry list) out of the flags table.
 */
export const LIMITS = {
  /** Characters in a flag, segment, variant or rule key/id. */
  keyLength: 100,
  descriptionLength: 500,
  attributeLength: 100,
  variants: 100,
  rules: 200,
  conditionsPerRule: 50,
  valuesPerCondition: 10_000,
  /** Characters in one `matches` pattern. */
  patternLength: 500,
  /**
   * Instructions one `matches` pattern compiles to (RE2's program size). Matching time is linear in
   * the value's length, but a pattern that defeats RE2's DFA falls back to simulating its program,
   * which costs about the program's size per character: measured here, a 100 KB value takes ~12 ms
   * against a worst-case pattern of ~100 instructions and ~1 s against one of ~200. Real patterns
   * are far smaller: an e-mail domain check is ~20, a full semver pattern ~65.
   */
  patternProgramSize: 100,
  /** Characters in one user id of a segment's lists. */
  userIdLength: 200,
  /** Entries in a segment's includedUserIds, and in its excludedUserIds. */
  segmentUserIds: 100_000,
  /** Nesting levels in a variant's JSON value. */
  valueDepth: 20,
} as const;

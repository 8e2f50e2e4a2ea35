const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "500ms", "1.5s", "2m", "1h" → milliseconds; undefined for anything else (a unit is required). */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** "90", "90%", "99.5%" → 0.9, 0.9, 0.995; undefined if not a number. */
export function parsePercent(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  return match ? Number(match[1]) / 100 : undefined;
}

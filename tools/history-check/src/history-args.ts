export interface HistoryArgs {
  /** The first seed; each further seed is one more. */
  readonly seed: number;
  readonly seeds: number;
  readonly short: boolean;
}

export const HISTORY_USAGE = `usage: npm run check:history -- [--seed N] [--seeds K] [--short]
  --seed N   the first seed (default: from the clock, printed so the run can be repeated)
  --seeds K  how many seeds, one platform each (default 1)
  --short    15 s of writes per seed instead of 40 s, and no Kafka restart
`;

/** Reads the command line; throws with the usage on anything it does not know. */
export function parseHistoryArgs(argv: readonly string[], now = Date.now()): HistoryArgs {
  let seed = now % 1_000_000;
  let seeds = 1;
  let short = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || !/^\d+$/.test(v))
        throw new Error(`${name} needs a whole number\n${HISTORY_USAGE}`);
      return Number(v);
    };
    if (name === '--seed') seed = value();
    else if (name === '--seeds') seeds = value();
    else if (arg === '--short') short = true;
    else throw new Error(`unknown argument ${arg}\n${HISTORY_USAGE}`);
  }
  if (seeds < 1) throw new Error(`--seeds must be at least 1\n${HISTORY_USAGE}`);
  return { seed, seeds, short };
}

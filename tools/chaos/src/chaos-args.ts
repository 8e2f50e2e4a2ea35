import { parseArgs } from 'node:util';

export interface ChaosArgs {
  readonly short: boolean;
  /** Scenario names to run; all when undefined. */
  readonly only: readonly string[] | undefined;
  readonly json: string | undefined;
}

export const CHAOS_USAGE =
  'usage: npm run chaos [-- --short] [--only <scenario>,...] [--json <file>]\n' +
  '  --short   the CI version: shorter faults, fewer samples (about 3 minutes)\n' +
  '  --only    run these scenarios only\n' +
  '  --json    also write the results as JSON to this file\n';

/** Parses the command line against the known scenario names; throws with a message for a person. */
export function parseChaosArgs(args: readonly string[], known: readonly string[]): ChaosArgs {
  const { values } = parseArgs({
    args: [...args],
    options: {
      short: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const only = values.only
    ?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')}; the scenarios are ${known.join(', ')}`);
  if (only?.length === 0) throw new Error('--only needs at least one scenario name');
  return { short: values.short, only, json: values.json };
}

import { parseArgs } from 'node:util';

import { parseOrUsage, UsageError } from '../cli-usage.js';

import { GATEWAY_SERVICE, SERVICES } from '../catalog.js';
import { MAX_START_COUNT, RELEASE_NAME_PATTERN } from '../control/control-api.js';
import { RELEASE_STRATEGIES, type ReleaseStrategy } from './gateway-client.js';

/** `npm run release -- <subcommand>`, parsed and checked: what to do, before anything is done. */
export type ReleaseCommand =
  | StartReleaseCommand
  | { readonly kind: 'status'; readonly service?: string; readonly json: boolean }
  | { readonly kind: 'promote' | 'abort'; readonly service: string };

export interface StartReleaseCommand {
  readonly kind: 'start';
  readonly service: string;
  readonly strategy: ReleaseStrategy;
  readonly version: string;
  /** Canary: instances started at the new version (the share of users is the gateway's weight). */
  readonly canaryInstances: number;
  /** Canary: the weights to go through, ending at 100; the gateway's default when absent. */
  readonly steps?: readonly number[];
  /** Canary: how often the gateway compares the versions; the gateway's default when absent. */
  readonly intervalMs?: number;
  /** Canary: how much slower (p95, ms) the candidate may be before it counts as slow; the gateway's default when absent. */
  readonly latencyToleranceMs?: number;
  /** Canary: the gateway steps up and rolls back on its own (else it waits for promote or abort). */
  readonly automatic: boolean;
  /** Blue-green and canary: stay until the release ends (else return once traffic moved). */
  readonly wait: boolean;
}

export { UsageError };

/** The release command's lines of the runner's usage. */
export const RELEASE_SYNOPSIS = [
  '       cli.js release start <service> --strategy rolling|blue-green|canary --version <version>',
  '                         [--canary-instances <n>] [--steps 10,25,50,100] [--interval-ms 10000]',
  '                         [--latency-tolerance-ms 20]',
  '                         [--no-auto] [--no-wait]',
  '       cli.js release status [<service>] [--json]',
  '       cli.js release promote <service>',
  '       cli.js release abort <service>',
];

export const RELEASE_USAGE = [
  RELEASE_SYNOPSIS.join('\n').replace(/^ {7}/, 'usage: '),
  '',
  '  rolling     replaces the instances one at a time: start a new one, wait until the gateway routes',
  '              to it, drain and stop an old one',
  '  blue-green  starts as many new instances as there are old ones, then moves all traffic at once;',
  '              promote stops the old ones, abort moves traffic back and stops the new ones',
  '  canary      starts --canary-instances new instances (default 1) and lets the gateway move users',
  '              over step by step while it compares errors and latency; it promotes or rolls back',
  '              on its own unless --no-auto',
  '',
  'The platform must be running (npm start); PLATFORM_STATE_DIR says where its state is.',
  '',
].join('\n');

/** Parses the arguments after `release`; throws {@link UsageError} with what to fix. */
export function parseReleaseArgs(args: readonly string[]): ReleaseCommand {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'start':
      return parseStart(rest);
    case 'status': {
      const { values, positionals } = parseOrUsage(() =>
        parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true }),
      );
      if (positionals.length > 1) throw new UsageError('release status takes at most one service');
      const service = positionals[0] === undefined ? undefined : releasableService(positionals[0]);
      return { kind: 'status', ...(service ? { service } : {}), json: values.json === true };
    }
    case 'promote':
    case 'abort': {
      const { positionals } = parseOrUsage(() =>
        parseArgs({ args: rest, options: {}, allowPositionals: true }),
      );
      if (positionals.length !== 1) throw new UsageError(`release ${subcommand} takes one service`);
      return { kind: subcommand, service: releasableService(positionals[0]!) };
    }
    case undefined:
      throw new UsageError('release needs a subcommand: start, status, promote or abort');
    default:
      throw new UsageError(`unknown release subcommand "${subcommand}"; use start, status, promote or abort`);
  }
}

function parseStart(args: readonly string[]): StartReleaseCommand {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({
      args: [...args],
      options: {
        strategy: { type: 'string' },
        version: { type: 'string' },
        'canary-instances': { type: 'string' },
        steps: { type: 'string' },
        'interval-ms': { type: 'string' },
        'latency-tolerance-ms': { type: 'string' },
        'no-auto': { type: 'boolean' },
        'no-wait': { type: 'boolean' },
      },
      allowPositionals: true,
    }),
  );
  if (positionals.length !== 1) {
    throw new UsageError(
      'release start takes one service, e.g. release start user-service --strategy canary ...',
    );
  }
  const service = releasableService(positionals[0]!);
  const strategy = values.strategy;
  if (!isStrategy(strategy)) {
    throw new UsageError(
      strategy === undefined
        ? `--strategy is required: ${RELEASE_STRATEGIES.join(', ')}`
        : `--strategy must be one of ${RELEASE_STRATEGIES.join(', ')}; got "${strategy}"`,
    );
  }
  const version = values.version;
  if (version === undefined)
    throw new UsageError('--version is required: the version to release, e.g. 0.2.0');
  if (!RELEASE_NAME_PATTERN.test(version)) {
    throw new UsageError(
      `--version "${version}" is not a version services accept: use 1-64 letters, digits, ".", "_", ":" ` +
        'or "-", starting with a letter or digit',
    );
  }
  if (strategy !== 'canary') {
    const canaryOnly = (
      ['canary-instances', 'steps', 'interval-ms', 'latency-tolerance-ms', 'no-auto'] as const
    ).filter((option) => values[option] !== undefined);
    if (canaryOnly.length > 0) {
      throw new UsageError(`--${canaryOnly[0]} applies to --strategy canary only`);
    }
  }
  if (strategy === 'rolling' && values['no-wait'] !== undefined) {
    throw new UsageError('--no-wait applies to blue-green and canary; a rolling release finishes in one go');
  }
  return {
    kind: 'start',
    service,
    strategy,
    version,
    canaryInstances: integerOption('--canary-instances', values['canary-instances'], 1, MAX_START_COUNT) ?? 1,
    ...(values.steps === undefined ? {} : { steps: parseSteps(values.steps) }),
    ...(values['interval-ms'] === undefined
      ? {}
      : { intervalMs: integerOption('--interval-ms', values['interval-ms'], 200, 3_600_000)! }),
    ...(values['latency-tolerance-ms'] === undefined
      ? {}
      : {
          latencyToleranceMs: integerOption(
            '--latency-tolerance-ms',
            values['latency-tolerance-ms'],
            0,
            60_000,
          )!,
        }),
    automatic: values['no-auto'] !== true,
    wait: values['no-wait'] !== true,
  };
}

/** `10,25,50,100`: percentages of users, rising, ending with everyone on the new version. */
export function parseSteps(value: string): number[] {
  const steps = value.split(',').map((step) => step.trim());
  const numbers = steps.map(Number);
  const problem =
    steps.some((step) => !/^\d+$/.test(step)) || numbers.some((n) => n < 1 || n > 100)
      ? 'each step must be a whole percentage from 1 to 100'
      : numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!)
        ? 'the steps must rise'
        : numbers.at(-1) !== 100
          ? 'the last step must be 100, when every user is on the new version'
          : numbers.length > 20
            ? 'at most 20 steps'
            : undefined;
  if (problem) throw new UsageError(`--steps "${value}": ${problem}, e.g. --steps 10,25,50,100`);
  return numbers;
}

/** Node's own parse errors (unknown option, missing value) are usage errors too. */
function releasableService(name: string): string {
  if (name === GATEWAY_SERVICE)
    throw new UsageError('the gateway is the edge; releasing it is not supported');
  const services = SERVICES.map((spec) => spec.name).filter((service) => service !== GATEWAY_SERVICE);
  if (!services.includes(name)) {
    throw new UsageError(
      `unknown service "${name}"; the services you can release are ${services.join(', ')}`,
    );
  }
  return name;
}

function isStrategy(value: string | undefined): value is ReleaseStrategy {
  return RELEASE_STRATEGIES.includes(value as ReleaseStrategy);
}

function integerOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}; got "${value}"`);
  }
  return number;
}

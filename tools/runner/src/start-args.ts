import { parseArgs } from 'node:util';

import { GATEWAY_SERVICE, SERVICES } from './catalog.js';
import { parseOrUsage, UsageError } from './cli-usage.js';
import type { LogFormat } from './output/start-output.js';

/** `npm start -- …`, parsed and checked before anything starts. */
export interface StartArgs {
  readonly scale: Readonly<Record<string, number>>;
  /** Weights for weighted round robin by instance id (`id-service-2` → 5), given as INSTANCE_WEIGHT. */
  readonly weights: Readonly<Record<string, number>>;
  readonly gatewayPort: number;
  readonly postgresPort: number;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  /** Undefined with --no-prometheus. */
  readonly prometheusPort: number | undefined;
  /** Service output only in the log files. */
  readonly quiet: boolean;
  /** Show each request's "request completed" line too (always in the log files). */
  readonly accessLog: boolean;
  /** `--json-logs` or `--pretty-logs`; undefined: readable on a terminal, JSON into a pipe or file. */
  readonly logFormat: LogFormat | undefined;
}

export const START_SYNOPSIS = [
  'usage: cli.js start [--scale <service>=<count>]... [--weight <instance>=<weight>]...',
  '                    [--gateway-port <port>] [--quiet] [--access-log] [--prometheus-port <port>] [--no-prometheus]',
  '                    [--json-logs | --pretty-logs]',
  "         --json-logs    one JSON object a line (the runner's messages too), the default when stdout",
  '                        is not a terminal; --pretty-logs: one short readable line an event, the default',
  '                        on a terminal, coloured unless NO_COLOR is set (FORCE_COLOR colours a pipe too)',
];

/** Most instances of one service `--scale` starts (2 cores run far fewer well). */
export const MAX_SCALE = 20;

/** The weights services take (INSTANCE_WEIGHT in @platform/service-kit's base env schema). */
export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 100;

/** Parses the arguments after `start`; throws {@link UsageError} with what to fix. */
export function parseStartArgs(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): StartArgs {
  const { values } = parseOrUsage(() =>
    parseArgs({
      args: [...args],
      options: {
        scale: { type: 'string', multiple: true, default: [] },
        weight: { type: 'string', multiple: true, default: [] },
        'gateway-port': { type: 'string' },
        'postgres-port': { type: 'string' },
        'kafka-port': { type: 'string' },
        'kafka-controller-port': { type: 'string' },
        'prometheus-port': { type: 'string' },
        'no-prometheus': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'access-log': { type: 'boolean', default: false },
        'json-logs': { type: 'boolean', default: false },
        'pretty-logs': { type: 'boolean', default: false },
      },
    }),
  );
  if (values['json-logs'] && values['pretty-logs'])
    throw new UsageError('--json-logs and --pretty-logs choose between two forms: give one of them');
  const scale = parseScale(values.scale);
  return {
    scale,
    weights: parseWeights(values.weight, scale),
    gatewayPort: port(values['gateway-port'] ?? env['GATEWAY_PORT'], 8080, '--gateway-port'),
    postgresPort: port(values['postgres-port'], 5433, '--postgres-port'),
    kafkaPort: port(values['kafka-port'], 9092, '--kafka-port'),
    kafkaControllerPort: port(values['kafka-controller-port'], 9093, '--kafka-controller-port'),
    prometheusPort: values['no-prometheus']
      ? undefined
      : port(values['prometheus-port'], 9090, '--prometheus-port'),
    quiet: values.quiet,
    accessLog: values['access-log'],
    logFormat: values['json-logs'] ? 'json' : values['pretty-logs'] ? 'pretty' : undefined,
  };
}

/**
 * `--scale <service>=<count>`, each service known and given 1 to {@link MAX_SCALE} instances: a
 * service started with none would leave its routes answering 503 while the platform says "up".
 */
export function parseScale(values: readonly string[]): Record<string, number> {
  const services = SERVICES.map((spec) => spec.name);
  const scale: Record<string, number> = {};
  for (const value of values) {
    const match = /^([^=]+)=(.*)$/.exec(value);
    if (!match)
      throw new UsageError(`--scale takes <service>=<count>, e.g. --scale id-service=4; got "${value}"`);
    const [, service = '', count = ''] = match;
    if (!services.includes(service)) {
      throw new UsageError(
        `--scale ${value}: unknown service "${service}"; the services are ${services.join(', ')}`,
      );
    }
    const instances = /^\d+$/.test(count) ? Number(count) : Number.NaN;
    if (!(instances >= 1 && instances <= MAX_SCALE)) {
      throw new UsageError(`--scale ${value}: the count must be a whole number from 1 to ${MAX_SCALE}`);
    }
    scale[service] = instances;
  }
  return scale;
}

/**
 * `--weight <instance>=<weight>`: an instance this start runs, by id (`id-service-2` when id-service
 * runs two or more; the gateway, which nothing balances over, takes none) and a whole number from
 * {@link MIN_WEIGHT} to {@link MAX_WEIGHT}. The instance announces it in the registry as its
 * weight for weighted round robin (`PUT /admin/weight` on it changes it later).
 */
export function parseWeights(
  values: readonly string[],
  scale: Readonly<Record<string, number>>,
): Record<string, number> {
  const instances = SERVICES.filter((spec) => spec.name !== GATEWAY_SERVICE).flatMap((spec) =>
    Array.from({ length: scale[spec.name] ?? spec.defaultCount }, (_, i) => `${spec.name}-${i + 1}`),
  );
  const weights: Record<string, number> = {};
  for (const value of values) {
    const match = /^([^=]+)=(.*)$/.exec(value);
    if (!match)
      throw new UsageError(
        `--weight takes <instance>=<weight>, e.g. --weight id-service-2=5; got "${value}"`,
      );
    const [, instance = '', text = ''] = match;
    if (!instances.includes(instance)) {
      throw new UsageError(
        `--weight ${value}: no instance "${instance}" starts; the instances that take a weight are ${instances.join(', ')}`,
      );
    }
    const weight = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(weight >= MIN_WEIGHT && weight <= MAX_WEIGHT)) {
      throw new UsageError(
        `--weight ${value}: the weight must be a whole number from ${MIN_WEIGHT} to ${MAX_WEIGHT}`,
      );
    }
    weights[instance] = weight;
  }
  return weights;
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= 1 && number <= 65_535)) {
    throw new UsageError(`${name} must be a port number from 1 to 65535, got "${value}"`);
  }
  return number;
}

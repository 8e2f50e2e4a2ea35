import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { UsageError } from '../loadgen.errors.js';
import { type LoadPlan } from '../run/load-plan.js';
import { DEFAULT_LIMITS, type ValidityLimits } from '../run/verdict.js';
import {
  checkTarget,
  HTTP_METHODS,
  loadScenarioFile,
  type Scenario,
  singleRequestScenario,
} from '../scenario/scenario.js';
import { parseDuration, parsePercent } from './units.js';

export const USAGE = `usage: npm run load -- (--url <url> [--method GET] [--body <json>] | --scenario <file.json> [--target <base-url>])
                      [--model open|closed] [--rate <req/s>] [--connections <n>] [--workers <n>]
                      [--duration 10s] [--warmup 2s] [--timeout 2s] [--max-behind 1s] [--header 'name: value']...
                      [--max-cpu 90%] [--max-lateness 10ms] [--max-loop-delay 20ms] [--min-rate 95%]
                      [--nice=-10] [--json <file>] [--html <file>] [--quiet]

  --model open     (default) requests arrive at --rate per second on a fixed schedule; latency counts
                   from each request's scheduled time (corrected for coordinated omission)
  --model closed   --connections clients, each sending its next request when the previous is answered
                   (as wrk does); latency counts from the send
  --connections    open: the pool's size (default: rate × 50 ms, at least 16, at most 1000);
                   closed: the number of clients (default 10). Split across the workers.
  --workers        worker threads sharing the rate and the connections (default 1)
  --max-behind     open: a request that would leave later than this after its schedule is not sent
  --nice=-10       the worker threads' scheduling priority (Linux; negative needs root or CAP_SYS_NICE),
                   so a target or other work on the same cores does not starve the generator
  --max-*/--min-rate   when the run is INVALID (the generator was the limit); see docs/load-testing.md

Placeholders in the URL's path, header values and body strings: {uuid}, {seq}, {randomInt:MIN:MAX}.
Durations take a unit: 500ms, 10s, 2m. Progress goes to stderr once a second (not with --quiet),
the report to stdout.

exit codes: 0 valid run · 1 the generator failed (a crash, a file it could not write) ·
            2 usage or scenario error · 3 INVALID run: the generator, not the target, was the limit ·
            4 valid run, but the target failed 5% or more of the requests`;

/** What the command line asks for, checked. */
export type CliCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'run';
      readonly plan: LoadPlan;
      readonly scenarioSource: string;
      readonly jsonFile: string | undefined;
      readonly htmlFile: string | undefined;
      readonly quiet: boolean;
    };

const MAX_RATE = 1_000_000;
const MAX_WORKERS = 64;
const MAX_CONNECTIONS = 100_000;
const DEFAULT_CLOSED_CONNECTIONS = 10;
/**
 * Open model: the default pool holds the requests in flight of a target answering within this
 * (Little's law: rate × latency). Slower answers make later requests wait for a connection, still
 * timed from their schedule; a larger pool would instead open hundreds of connections at once after
 * a stall of the target, and that burst of connection set-ups stalls the generator itself.
 */
const DEFAULT_POOL_COVERS_MS = 50;

/** Parses and checks `npm run load -- …`'s arguments; throws {@link UsageError} saying what to fix. */
export function parseCliArgs(args: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        method: { type: 'string' },
        body: { type: 'string' },
        header: { type: 'string', multiple: true },
        scenario: { type: 'string' },
        target: { type: 'string' },
        model: { type: 'string' },
        rate: { type: 'string' },
        connections: { type: 'string' },
        workers: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        timeout: { type: 'string' },
        'max-behind': { type: 'string' },
        nice: { type: 'string' },
        'max-cpu': { type: 'string' },
        'max-lateness': { type: 'string' },
        'max-loop-delay': { type: 'string' },
        'min-rate': { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    // `--rate -5`: node's parser takes "-5" for an option and calls the value ambiguous.
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && ambiguous)
      throw new UsageError(
        `${ambiguous[1]} is followed by something that looks like an option; to pass a value starting ` +
          `with "-", write ${ambiguous[1]}=<value>`,
      );
    throw new UsageError(message.replace(/\. To specify a positional.*$/s, ''));
  }
  if (values.help) return { kind: 'help' };

  const model = values.model ?? 'open';
  if (model !== 'open' && model !== 'closed')
    throw new UsageError(`--model must be open or closed; got "${model}"`);

  const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
  let scenario: Scenario;
  let scenarioSource: string;
  if (values.url !== undefined && values.scenario !== undefined)
    throw new UsageError('give either --url or --scenario, not both');
  if (values.url !== undefined) {
    if (values.target !== undefined)
      throw new UsageError('--target goes with --scenario; --url is the whole URL');
    const method = (values.method ?? 'GET').toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(method))
      throw new UsageError(`--method must be one of ${HTTP_METHODS.join(', ')}; got "${values.method}"`);
    let body: unknown;
    if (values.body !== undefined) {
      try {
        body = JSON.parse(values.body);
      } catch (error) {
        throw new UsageError(`--body must be JSON: ${(error as Error).message}`);
      }
    }
    scenario = singleRequestScenario({ url: values.url, method, headers, body });
    scenarioSource = `${method} ${values.url}`;
  } else if (values.scenario !== undefined) {
    if (values.method !== undefined || values.body !== undefined)
      throw new UsageError('--method and --body go with --url; a scenario file sets them per request');
    const loaded = loadScenarioFile(values.scenario);
    scenario = {
      ...loaded,
      requests: loaded.requests.map((request) => ({
        ...request,
        headers: { ...request.headers, ...headers },
      })),
    };
    scenarioSource = values.scenario;
  } else {
    throw new UsageError('say what to load: --url <url> or --scenario <file.json> (--help for more)');
  }
  const target = values.target ?? scenario.target;
  if (target === undefined)
    throw new UsageError(`${values.scenario} has no "target": give --target http://host:port`);
  checkTarget(target, values.target !== undefined ? '--target' : `${values.scenario}: target`);

  const workers = integer(values.workers, '--workers', 1, MAX_WORKERS) ?? 1;
  const timeoutMs = duration(values.timeout, '--timeout', 2_000, { min: 1, max: 600_000 });
  let rate: number | undefined;
  let connections: number;
  if (model === 'open') {
    if (values.rate === undefined)
      throw new UsageError('the open model needs --rate <requests per second> (or use --model closed)');
    rate = Number(values.rate);
    if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE)
      throw new UsageError(
        `--rate must be a number of requests per second above 0, at most ${MAX_RATE}; got "${values.rate}"`,
      );
    connections =
      integer(values.connections, '--connections', 1, MAX_CONNECTIONS) ??
      Math.min(1_000, Math.max(16, workers, Math.ceil((rate * DEFAULT_POOL_COVERS_MS) / 1000)));
  } else {
    if (values.rate !== undefined)
      throw new UsageError(
        '--rate is for the open model; the closed model sends as fast as answers come back',
      );
    if (
      values['max-behind'] !== undefined ||
      values['max-lateness'] !== undefined ||
      values['min-rate'] !== undefined
    )
      throw new UsageError(
        '--max-behind, --max-lateness and --min-rate are for the open model (they judge a schedule)',
      );
    connections =
      integer(values.connections, '--connections', 1, MAX_CONNECTIONS) ?? DEFAULT_CLOSED_CONNECTIONS;
  }
  if (connections < workers)
    throw new UsageError(
      `--connections (${connections}) must be at least --workers (${workers}): each worker needs one`,
    );

  const limits: ValidityLimits = {
    ...DEFAULT_LIMITS,
    maxWorkerCpu: percent(values['max-cpu'], '--max-cpu', DEFAULT_LIMITS.maxWorkerCpu),
    maxLatenessP99Ms: duration(values['max-lateness'], '--max-lateness', DEFAULT_LIMITS.maxLatenessP99Ms, {
      min: 0,
    }),
    maxLoopDelayP99Ms: duration(
      values['max-loop-delay'],
      '--max-loop-delay',
      DEFAULT_LIMITS.maxLoopDelayP99Ms,
      {
        min: 0,
      },
    ),
    minRateShare: percent(values['min-rate'], '--min-rate', DEFAULT_LIMITS.minRateShare),
  };

  return {
    kind: 'run',
    plan: {
      model,
      rate,
      connections,
      workers,
      target,
      scenario,
      warmupMs: duration(values.warmup, '--warmup', 2_000, { min: 0, max: 3_600_000 }),
      durationMs: duration(values.duration, '--duration', 10_000, { min: 1, max: 24 * 3_600_000 }),
      timeoutMs,
      maxBehindMs: duration(values['max-behind'], '--max-behind', 1_000, { min: 1, max: 600_000 }),
      nice: niceValue(values.nice),
      limits,
    },
    scenarioSource,
    jsonFile: outputFile(values.json, '--json'),
    htmlFile: outputFile(values.html, '--html'),
    quiet: values.quiet === true,
  };
}

function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name))
    throw new UsageError(
      `--header takes 'name: value', e.g. --header 'authorization: Bearer x'; got "${text}"`,
    );
  return [name, text.slice(colon + 1).trim()];
}

function niceValue(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= -20 && n <= 19))
    throw new UsageError(`--nice must be a whole number from -20 to 19, e.g. --nice=-10; got "${value}"`);
  return n;
}

function integer(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}; got "${value}"`);
  return n;
}

function duration(
  value: string | undefined,
  option: string,
  fallback: number,
  { min = 0, max = Infinity }: { min?: number; max?: number },
): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new UsageError(`${option} must be a duration with a unit, e.g. 500ms, 10s or 2m; got "${value}"`);
  if (ms < min || ms > max) {
    const range = max === Infinity ? `at least ${min} ms` : `from ${min} ms to ${max / 1000} s`;
    throw new UsageError(`${option} must be ${range}; got "${value}"`);
  }
  return ms;
}

function percent(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const share = parsePercent(value);
  if (share === undefined || share <= 0 || share > 1)
    throw new UsageError(
      `${option} must be a percentage above 0 and at most 100, e.g. 90 or 90%; got "${value}"`,
    );
  return share;
}

/** A file to write at the end: its directory must exist now, so a long run does not end in an error. */
function outputFile(file: string | undefined, option: string): string | undefined {
  if (file === undefined) return undefined;
  if (file === '') throw new UsageError(`${option} needs a file name`);
  const dir = path.dirname(path.resolve(file));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${option}: cannot write to the directory ${dir}`);
  }
  return file;
}

import type { TerminalColour } from '../catalog/platform-facts.js';
import type { PlatformStatus } from '../status.js';
import { JsonStartOutput } from './json-start-output.js';
import { PrettyStartOutput } from './pretty-start-output.js';

/** How serious one of the runner's own messages is. */
export type RunnerLevel = 'info' | 'warn' | 'error';

/** Which of an instance's output streams a line came from. */
export type OutputStream = 'stdout' | 'stderr';

/**
 * What `npm start` prints while the platform runs: the runner's own messages, the lines its service
 * instances write, and the table of what runs once it is up. Two forms: readable lines for a person
 * at a terminal ({@link PrettyStartOutput}), one JSON record a line for a program reading a pipe or
 * a file ({@link JsonStartOutput}). The log files under the state directory keep each instance's
 * output as it wrote it, whichever form the terminal gets.
 */
export interface StartOutput {
  /** One of the runner's own messages. */
  say(message: string, level?: RunnerLevel): void;
  /** A line an instance wrote. */
  serviceLine(instanceId: string, line: string, stream?: OutputStream): void;
  /** The platform is up: what runs, and `message` (which says so, how fast, and where the logs are). */
  up(status: PlatformStatus, message: string): void;
}

export type LogFormat = 'pretty' | 'json';

export interface StartOutputOptions {
  readonly format: LogFormat;
  /** Colour in the readable form ({@link wantsColor}); JSON is never coloured. */
  readonly color: boolean;
  /**
   * Each service's colour for its instances' prefix in the readable form: the `colour` of its
   * package.json's `platform` field (the catalog), so a new service brings its own. Others are white.
   */
  readonly serviceColours: Readonly<Record<string, TerminalColour>>;
  /** Instances' "request completed" lines too; by default only the log files keep them. */
  readonly accessLog: boolean;
  /** No instance output at all, only the runner's own messages. */
  readonly quiet: boolean;
  readonly write: (text: string) => void;
  /** For the runner's JSON records' `time`. */
  readonly now?: () => Date;
}

/**
 * The form asked for (`--json-logs`, `--pretty-logs`), else readable lines on a terminal and JSON
 * into a pipe or a file.
 */
export function chooseLogFormat(
  requested: LogFormat | undefined,
  stream: { readonly isTTY?: boolean },
): LogFormat {
  return requested ?? (stream.isTTY === true ? 'pretty' : 'json');
}

export function createStartOutput(options: StartOutputOptions): StartOutput {
  return options.format === 'json' ? new JsonStartOutput(options) : new PrettyStartOutput(options);
}

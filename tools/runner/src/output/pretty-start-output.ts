import { renderStatus, type PlatformStatus } from '../status.js';
import { terminalLine } from '../terminal-line.js';
import { painter, type Paint, type TextFormat } from './color-support.js';
import type { RunnerLevel, StartOutput, StartOutputOptions } from './start-output.js';

const LEVEL_FORMATS: Record<RunnerLevel, TextFormat | undefined> = {
  info: undefined,
  warn: 'yellow',
  error: 'red',
};

/**
 * `npm start` for a person: `[runner] message` for the runner's own messages, `[instance] line` for
 * each event of an instance in the short form of {@link terminalLine}, its prefix in its service's
 * colour, and the status table once up.
 */
export class PrettyStartOutput implements StartOutput {
  private readonly paint: Paint;

  constructor(private readonly options: StartOutputOptions) {
    this.paint = painter(options.color);
  }

  say(message: string, level: RunnerLevel = 'info'): void {
    const format = LEVEL_FORMATS[level];
    this.options.write(
      `${this.paint('bold', '[runner]')} ${format ? this.paint(format, message) : message}\n`,
    );
  }

  serviceLine(instanceId: string, line: string): void {
    if (this.options.quiet) return;
    const shown = terminalLine(line, { accessLog: this.options.accessLog, paint: this.paint });
    if (shown === undefined) return;
    // The service's colour (from the catalog) tells interleaved lines apart at a glance.
    const colour = this.options.serviceColours[instanceId.replace(/-\d+$/, '')] ?? 'white';
    this.options.write(`${this.paint(colour, `[${instanceId}]`)} ${shown}\n`);
  }

  up(status: PlatformStatus, message: string): void {
    this.options.write(`\n${renderStatus(status, this.options.color)}\n`);
    this.say(message);
  }
}

import type { PlatformStatus } from '../status.js';
import { isRequestLine, parseLogRecord } from '../terminal-line.js';
import type { OutputStream, RunnerLevel, StartOutput, StartOutputOptions } from './start-output.js';

/** The `service` of the runner's own records, beside the services' own names. */
export const RUNNER_SERVICE = 'runner';

/**
 * `npm start` for a program: every line is one JSON object, in the shape the services' logs have
 * (`time`, `level`, `service`, `msg`), so that the whole stream can go to `jq` or a log shipper.
 * An instance's JSON lines pass through untouched; anything else it writes (a Node warning, a
 * crash's stack) is wrapped in a record naming the instance, its level from the stream it came on.
 */
export class JsonStartOutput implements StartOutput {
  constructor(private readonly options: StartOutputOptions) {}

  say(message: string, level: RunnerLevel = 'info'): void {
    this.record({ level, service: RUNNER_SERVICE, msg: message });
  }

  serviceLine(instanceId: string, line: string, stream: OutputStream = 'stdout'): void {
    if (this.options.quiet) return;
    const record = parseLogRecord(line);
    if (record) {
      if (!this.options.accessLog && isRequestLine(record)) return;
      this.options.write(`${line}\n`);
      return;
    }
    if (line.trim() === '') return;
    this.record({
      level: stream === 'stderr' ? 'warn' : 'info',
      service: instanceId.replace(/-\d+$/, ''),
      instance: instanceId,
      stream,
      msg: line,
    });
  }

  up(status: PlatformStatus, message: string): void {
    this.record({ level: 'info', service: RUNNER_SERVICE, msg: message, status });
  }

  private record(fields: { level: string; service: string; msg: string } & Record<string, unknown>): void {
    const time = (this.options.now?.() ?? new Date()).toISOString();
    this.options.write(`${JSON.stringify({ time, ...fields })}\n`);
  }
}

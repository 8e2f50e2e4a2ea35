import { painter, type Paint, type TextFormat } from './output/color-support.js';

/**
 * What a service's log line looks like in the terminal of `npm start`. The log files keep every line
 * as the service wrote it (JSON); the terminal shows one short line per event, so the runner's own
 * events (an instance exiting, a release step) are not lost among thousands of request lines.
 */
export interface TerminalLineOptions {
  /** Show "request completed" lines too (`--access-log`); they are hidden by default. */
  readonly accessLog: boolean;
  /** Colours the time and the level (a 5xx status too); without it the line is plain text. */
  readonly paint?: Paint;
}

/** The colour of each level's name; levels not named here stay uncoloured. */
const LEVEL_FORMATS: Record<string, TextFormat> = {
  FATAL: ['bold', 'red'],
  ERROR: 'red',
  WARN: 'yellow',
  INFO: 'green',
  DEBUG: 'gray',
  TRACE: 'gray',
};

/** Fields every line carries, which the terminal leaves out (the prefix names the instance). */
const OMITTED = new Set([
  'time',
  'level',
  'msg',
  'service',
  'instance',
  'pid',
  'hostname',
  'requestId',
  'traceId',
  'spanId',
  'parentSpanId',
]);

const MAX_FIELD_CHARS = 80;
const MAX_LINE_CHARS = 240;

/** The terminal form of one line of a service's output, or undefined to show nothing. */
export function terminalLine(line: string, options: TerminalLineOptions): string | undefined {
  const record = parseLogRecord(line);
  if (!record) return line;
  const paint = options.paint ?? painter(false);
  const level = typeof record['level'] === 'string' ? record['level'].toUpperCase() : 'INFO';
  const time = typeof record['time'] === 'string' ? record['time'].slice(11, 19) : '';
  if (isRequestLine(record)) {
    if (!options.accessLog) return undefined;
    const { method, url, status, durationMs } = record;
    const text = `${String(method)} ${String(url)} → ${String(status)} in ${String(durationMs)} ms`;
    const failed = typeof status === 'number' && status >= 500;
    return joined(
      [
        [time, 'gray'],
        [text, failed ? 'red' : undefined],
      ],
      paint,
    );
  }
  const fields = Object.entries(record)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const text = [typeof record['msg'] === 'string' ? record['msg'] : '', ...fields].filter(Boolean).join(' ');
  return joined(
    [
      [time, 'gray'],
      [level, LEVEL_FORMATS[level]],
      [text, undefined],
    ],
    paint,
  );
}

/** The non-empty parts joined by spaces, the last one clipped to keep the line short, then painted. */
function joined(parts: readonly (readonly [string, TextFormat | undefined])[], paint: Paint): string {
  const shown = parts.filter(([text]) => text !== '');
  let room = MAX_LINE_CHARS;
  return shown
    .map(([text, format], i) => {
      const cut = i === shown.length - 1 ? clip(text, room) : text;
      room -= text.length + 1;
      return format ? paint(format, cut) : cut;
    })
    .join(' ');
}

/** A line a service wrote, as its JSON log record; undefined when it is not one (a Node warning, a stack). */
export function parseLogRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The access log's line for one answered request, which only `--access-log` shows. */
export function isRequestLine(record: Record<string, unknown>): boolean {
  return record['msg'] === 'request completed';
}

function fieldText(value: unknown): string {
  // An error's message says it; its stack stays in the log file.
  const shown =
    value !== null && typeof value === 'object' && 'message' in value
      ? String(value.message)
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  const quoted = /\s/.test(shown) ? JSON.stringify(shown) : shown;
  return quoted.length > MAX_FIELD_CHARS ? `${quoted.slice(0, MAX_FIELD_CHARS - 1)}…` : quoted;
}

function clip(text: string, room: number): string {
  return text.length > room ? `${text.slice(0, room - 1)}…` : text;
}

/**
 * What a service's log line looks like in the terminal of `npm start`. The log files keep every line
 * as the service wrote it (JSON); the terminal shows one short line per event, so the runner's own
 * events (an instance exiting, a release step) are not lost among thousands of request lines.
 */
export interface TerminalLineOptions {
  /** Show "request completed" lines too (`--access-log`); they are hidden by default. */
  readonly accessLog: boolean;
}

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
  const record = parseRecord(line);
  if (!record) return line;
  const level = typeof record['level'] === 'string' ? record['level'].toUpperCase() : 'INFO';
  const time = typeof record['time'] === 'string' ? record['time'].slice(11, 19) : '';
  if (record['msg'] === 'request completed') {
    if (!options.accessLog) return undefined;
    const { method, url, status, durationMs } = record;
    return clip(`${time} ${String(method)} ${String(url)} → ${String(status)} in ${String(durationMs)} ms`);
  }
  const fields = Object.entries(record)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  return clip(
    [time, level, typeof record['msg'] === 'string' ? record['msg'] : '', ...fields]
      .filter(Boolean)
      .join(' '),
  );
}

function parseRecord(line: string): Record<string, unknown> | undefined {
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

function clip(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS - 1)}…` : text;
}

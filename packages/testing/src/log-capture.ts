/** One JSON log line as a service wrote it (`level`, `msg`, `service`, `instance`, ...). */
export type LogLine = Readonly<Record<string, unknown>> & { readonly msg?: string; readonly level?: string };

/**
 * A log destination that keeps every line in memory, for a service started in a test: jest output
 * stays clean, and a test can assert on what the service logged (a request id, an ignored message).
 */
export class LogCapture {
  private readonly captured: LogLine[] = [];

  /** Called by the logger with one or more newline-terminated JSON lines. */
  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      try {
        this.captured.push(JSON.parse(line) as LogLine);
      } catch {
        this.captured.push({ msg: line });
      }
    }
  }

  get lines(): readonly LogLine[] {
    return this.captured;
  }

  /** Lines whose message contains `text`, optionally also matching `where`. */
  matching(text: string, where: (line: LogLine) => boolean = () => true): LogLine[] {
    return this.captured.filter(
      (line) => typeof line.msg === 'string' && line.msg.includes(text) && where(line),
    );
  }
}

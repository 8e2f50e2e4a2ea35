/**
 * Each piece of local infrastructure runs under a small Node "host" process that owns it (starts,
 * watches, stops it). A host talks to whoever spawned it through JSON lines on standard output.
 */
export type HostEvent =
  | { readonly event: 'progress'; readonly message: string }
  | { readonly event: 'ready'; readonly details: Record<string, unknown> }
  | { readonly event: 'failed'; readonly message: string };

export function emit(event: HostEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

export function parseHostEvent(line: string): HostEvent | undefined {
  try {
    const value = JSON.parse(line) as Partial<HostEvent>;
    if (value.event === 'progress' || value.event === 'ready' || value.event === 'failed')
      return value as HostEvent;
  } catch {
    // not a protocol line
  }
  return undefined;
}

/**
 * Calls `onOrphaned` once the process that spawned this host is gone (its parent pid changes), so
 * infrastructure never outlives a runner or test run that was killed without cleaning up.
 */
export function watchParent(onOrphaned: () => void, intervalMs = 500): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
}

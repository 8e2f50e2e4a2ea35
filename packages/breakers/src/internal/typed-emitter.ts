/**
 * A small typed event emitter. Unlike Node's EventEmitter, a listener that throws cannot break the
 * code that emitted (here: a breaker in the middle of a state change) or starve the listeners after
 * it; its error is reported as a process warning instead.
 */
export type EventMap<Events> = { [K in keyof Events]: unknown[] };

export type Listener<Args extends unknown[]> = (...args: Args) => void;

type AnyListener = (...args: unknown[]) => void;

export class TypedEmitter<Events extends EventMap<Events>> {
  private readonly listeners = new Map<keyof Events, Set<AnyListener>>();

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const stored = listener as unknown as AnyListener;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.listeners.get(event);
    if (set === undefined || set.size === 0) return;
    for (const listener of set) {
      try {
        listener(...args);
      } catch (error) {
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'ListenerError');
      }
    }
  }

  removeAll(): void {
    this.listeners.clear();
  }
}

import { Gauge, type Registry } from 'prom-client';

export const CONSUMER_LAG_METRIC = 'kafka_consumer_lag_messages';

/** Per registry: each stream's lag source. One gauge per registry, however many streams report into it. */
const sources = new WeakMap<Registry, Map<string, () => number | undefined>>();

/**
 * Reports how far a process's reader of a stream (`registry`, `flags`, `releases`) is behind the
 * topic, as `kafka_consumer_lag_messages{stream}`: records on the topic it has not read yet, as of its
 * last fetch. Several readers in one process share the gauge; a stream registered again replaces its
 * source (a reader re-created in tests).
 */
export function registerConsumerLag(registry: Registry, stream: string, lag: () => number | undefined): void {
  let streams = sources.get(registry);
  if (!streams) {
    const created = new Map<string, () => number | undefined>();
    streams = created;
    sources.set(registry, created);
    new Gauge({
      name: CONSUMER_LAG_METRIC,
      help: 'Records on a Kafka topic this process has not read yet, by stream (as of its last fetch).',
      labelNames: ['stream'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [name, source] of created) {
          const value = source();
          if (value !== undefined) this.set({ stream: name }, value);
        }
      },
    });
  }
  streams.set(stream, lag);
}

import { eligible } from './internal/eligible.js';
import type { LoadSource } from './load/load-source.js';
import type { Endpoint, PickContext, Picker } from './picker.js';
import { SmoothWeightedRoundRobinPicker } from './smooth-weighted-round-robin.picker.js';

export interface DynamicWeightedRoundRobinOptions {
  readonly load: LoadSource;
  /** Latencies below this count as this, so a sub-millisecond endpoint does not take everything. Default 1 ms. */
  readonly latencyFloorMs?: number;
  /** How hard errors cut the weight (k below). Default 10: a 10% error rate halves it. */
  readonly errorPenalty?: number;
}

/**
 * Smooth weighted round robin whose weights follow the measured load, recomputed before every pick:
 *
 *   weight = base / (max(latencyEwma, floor) × (1 + k × errorRate)),   base = endpoint.weight ?? 1
 *
 * so an endpoint twice as slow gets half the share, and errors cut it further. An endpoint without a
 * latency sample yet counts the harmonic mean latency of those with one, which gives it the average
 * weight: it neither floods (as a latency of 0 would) nor starves.
 * The weights are then normalised to a mean of 1, so the smooth picker's running counters keep the
 * same scale when every latency rises or falls together. Unlike P2C on load, every endpoint keeps a
 * share (a slow one is still sampled and can recover), and the sequence is deterministic.
 */
export class DynamicWeightedRoundRobinPicker<E extends Endpoint = Endpoint> implements Picker<E> {
  readonly strategy = 'dynamic-weighted-round-robin';
  private readonly load: LoadSource;
  private readonly latencyFloorMs: number;
  private readonly errorPenalty: number;
  private readonly weights = new Map<string, number>();
  private readonly smooth = new SmoothWeightedRoundRobinPicker<E>({
    weightOf: (endpoint) => this.weights.get(endpoint.id) ?? 0,
  });

  constructor(options: DynamicWeightedRoundRobinOptions) {
    this.load = options.load;
    this.latencyFloorMs = options.latencyFloorMs ?? 1;
    this.errorPenalty = options.errorPenalty ?? 10;
  }

  pick(endpoints: readonly E[], context?: PickContext<E>): E | undefined {
    this.reweigh(eligible(endpoints, context?.exclude));
    return this.smooth.pick(endpoints, context);
  }

  /** The current normalised weight of each eligible endpoint, as of the last pick (for the admin API). */
  currentWeights(): ReadonlyMap<string, number> {
    return this.weights;
  }

  private reweigh(candidates: readonly E[]): void {
    this.weights.clear();
    const latencies = candidates.map((endpoint) => {
      const latency = this.load.latencyEwmaMs(endpoint.id);
      return latency > 0 ? Math.max(latency, this.latencyFloorMs) : undefined;
    });
    const sampled = latencies.filter((latency) => latency !== undefined);
    // The harmonic mean: 1 / latency averaged, so an unsampled endpoint gets the average weight.
    const usual = sampled.length > 0 ? sampled.length / sampled.reduce((sum, l) => sum + 1 / l, 0) : 1;
    const raw = candidates.map((endpoint, index) => {
      const penalty = 1 + this.errorPenalty * this.load.errorRate(endpoint.id);
      return (endpoint.weight ?? 1) / ((latencies[index] ?? usual) * penalty);
    });
    const total = raw.reduce((a, b) => a + b, 0);
    if (!(total > 0)) return;
    candidates.forEach((endpoint, index) =>
      this.weights.set(endpoint.id, (raw[index]! * candidates.length) / total),
    );
  }
}

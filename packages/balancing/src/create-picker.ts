import { ConsistentHashPicker } from './consistent-hash.picker.js';
import { DynamicWeightedRoundRobinPicker } from './dynamic-weighted-round-robin.picker.js';
import { UnknownStrategyError } from './errors.js';
import { LeastConnectionsPicker } from './least-connections.picker.js';
import type { LoadSource } from './load/load-source.js';
import { P2cLeastConnectionsPicker } from './p2c-least-connections.picker.js';
import { PeakEwmaPicker } from './peak-ewma.picker.js';
import type { Clock, Endpoint, Picker, Random, StrategyName } from './picker.js';
import { RoundRobinPicker } from './round-robin.picker.js';
import { SlowStartPicker } from './slow-start.picker.js';
import { SmoothWeightedRoundRobinPicker } from './smooth-weighted-round-robin.picker.js';
import { ZoneAwarePicker } from './zone-aware.picker.js';

export interface PickerDeps {
  /** Where load-aware strategies read in-flight counts and latencies, usually a `LoadTracker`. */
  readonly load: LoadSource;
  /** Default `Math.random`. */
  readonly random?: Random;
  /** Unix ms for slow start, the clock of `Endpoint.startedAt`. Default `Date.now`. */
  readonly clock?: Clock;
  /** Ramp new endpoints up over this many ms; 0 or absent: no slow start. */
  readonly slowStartWindowMs?: number;
  /** Prefer endpoints in this zone; absent or empty: no zone preference. */
  readonly localZone?: string;
  /** Below this healthy share of the local zone, use every zone. Default 0.7. */
  readonly minLocalHealthyShare?: number;
}

/**
 * The picker for a strategy name, as configuration gives it (Finagle's `Balancers.p2cPeakEwma()`).
 * Wrapped, from the outside in: slow start, then zone preference, then the strategy. Slow start sits
 * outside so that it sees the whole membership: a zone failover does not make the other zones' warm
 * endpoints look new. Throws {@link UnknownStrategyError} for a name it does not know.
 */
export function createPicker<E extends Endpoint = Endpoint>(
  strategy: StrategyName,
  deps: PickerDeps,
): Picker<E> {
  let picker = strategyPicker<E>(strategy, deps);
  if (deps.localZone) {
    picker = new ZoneAwarePicker(picker, {
      localZone: deps.localZone,
      minHealthyShare: deps.minLocalHealthyShare,
    });
  }
  const windowMs = deps.slowStartWindowMs ?? 0;
  if (windowMs > 0)
    picker = new SlowStartPicker(picker, { windowMs, clock: deps.clock, random: deps.random });
  return picker;
}

function strategyPicker<E extends Endpoint>(strategy: StrategyName, deps: PickerDeps): Picker<E> {
  const { load, random } = deps;
  switch (strategy) {
    case 'round-robin':
      return new RoundRobinPicker<E>();
    case 'weighted-round-robin':
      return new SmoothWeightedRoundRobinPicker<E>();
    case 'dynamic-weighted-round-robin':
      return new DynamicWeightedRoundRobinPicker<E>({ load });
    case 'least-connections':
      return new LeastConnectionsPicker<E>({ load });
    case 'p2c-least-connections':
      return new P2cLeastConnectionsPicker<E>({ load, random });
    case 'peak-ewma':
      return new PeakEwmaPicker<E>({ load, random });
    case 'consistent-hash':
      return new ConsistentHashPicker<E>();
    default:
      throw new UnknownStrategyError(String(strategy satisfies never));
  }
}

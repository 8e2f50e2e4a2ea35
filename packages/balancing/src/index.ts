export {
  STRATEGIES,
  type Clock,
  type Endpoint,
  type PickContext,
  type Picker,
  type Random,
  type StrategyName,
} from './picker.js';
export { createPicker, type PickerDeps } from './create-picker.js';
export { isUnknownStrategyError, UnknownStrategyError } from './errors.js';

export type { LoadSource } from './load/load-source.js';
export {
  LoadTracker,
  type CompleteRequest,
  type LoadSnapshot,
  type LoadTrackerOptions,
  type RequestOutcome,
} from './load/load-tracker.js';

export { ConsistentHashPicker, type ConsistentHashOptions } from './consistent-hash.picker.js';
export {
  DynamicWeightedRoundRobinPicker,
  type DynamicWeightedRoundRobinOptions,
} from './dynamic-weighted-round-robin.picker.js';
export { LeastConnectionsPicker, type LeastConnectionsOptions } from './least-connections.picker.js';
export {
  P2cLeastConnectionsPicker,
  type P2cLeastConnectionsOptions,
} from './p2c-least-connections.picker.js';
export { PeakEwmaPicker, type PeakEwmaOptions } from './peak-ewma.picker.js';
export { RoundRobinPicker } from './round-robin.picker.js';
export {
  SmoothWeightedRoundRobinPicker,
  type SmoothWeightedRoundRobinOptions,
} from './smooth-weighted-round-robin.picker.js';

export { SlowStartPicker, type SlowStartOptions } from './slow-start.picker.js';
export { ZoneAwarePicker, type ZoneAwareOptions } from './zone-aware.picker.js';

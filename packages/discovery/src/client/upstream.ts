import { createPicker, type LoadTracker, type Picker, type StrategyName } from '@platform/balancing';

import type { ServiceInstance } from '../service-instance.js';
import { OutlierDetector } from './outlier-detector.js';
import { RetryBudget } from './retry-budget.js';
import type { UpstreamPolicy } from './upstream-policy.js';

export interface UpstreamDeps {
  readonly load: LoadTracker;
  readonly localZone?: string;
  readonly random?: () => number;
  readonly now: () => number;
}

/**
 * Everything a caller keeps about one upstream service: a picker per strategy in use (pickers hold
 * state, e.g. the round-robin cursor), the outlier detector and the retry budget.
 */
export class Upstream {
  readonly outliers: OutlierDetector;
  readonly budget: RetryBudget;
  private readonly pickers = new Map<string, Picker<ServiceInstance>>();
  private known = new Set<string>();

  constructor(
    readonly service: string,
    private policy: UpstreamPolicy,
    private readonly deps: UpstreamDeps,
  ) {
    this.outliers = new OutlierDetector(policy.outlier, deps.now);
    this.budget = new RetryBudget({
      percent: policy.retries.budgetPercent,
      minPerSecond: policy.retries.minRetriesPerSecond,
      now: deps.now,
    });
  }

  /** Applies the limits of the policy of the request at hand (a route may have changed them). */
  use(policy: UpstreamPolicy): void {
    if (policy === this.policy) return;
    this.policy = policy;
    this.outliers.configure(policy.outlier);
    this.budget.configure(policy.retries.budgetPercent, policy.retries.minRetriesPerSecond);
  }

  picker(
    strategy: StrategyName,
    slowStartWindowMs: number,
    minLocalHealthyShare: number,
  ): Picker<ServiceInstance> {
    const key = `${strategy}/${slowStartWindowMs}/${minLocalHealthyShare}`;
    let picker = this.pickers.get(key);
    if (!picker) {
      picker = createPicker<ServiceInstance>(strategy, {
        load: this.deps.load,
        random: this.deps.random,
        slowStartWindowMs,
        localZone: this.deps.localZone,
        minLocalHealthyShare,
      });
      this.pickers.set(key, picker);
    }
    return picker;
  }

  /** Forgets what it measured about instances that left. */
  observe(instances: readonly ServiceInstance[], onLeft: (id: string) => void): void {
    const current = new Set(instances.map((i) => i.id));
    for (const id of this.known) {
      if (!current.has(id)) {
        this.outliers.forget(id);
        this.deps.load.forget(id);
        onLeft(id);
      }
    }
    this.known = current;
  }
}

import type { UpstreamPolicy } from './upstream-policy.js';

export type OutlierSettings = UpstreamPolicy['outlier'];

export interface Ejection {
  /** Until when (ms, same clock as `now`). */
  readonly until: number;
  /** How many times the instance has been ejected recently; each ejection lasts longer. */
  readonly count: number;
}

interface InstanceRecord {
  failures: number;
  connectFailures: number;
  ejections: number;
  ejectedUntil: number;
}

/**
 * Passive health (Envoy's outlier detection): an instance that fails several requests in a row is
 * ejected, i.e. gets no traffic, for a while. Each new ejection lasts base × count (capped), and
 * the count falls back by one for every base period the instance stays out of trouble. Never more
 * than `maxEjectionPercent` of a service's instances are ejected at once.
 */
export class OutlierDetector {
  private readonly records = new Map<string, InstanceRecord>();

  constructor(
    private settings: OutlierSettings,
    private readonly now: () => number = Date.now,
  ) {}

  configure(settings: OutlierSettings): void {
    this.settings = settings;
  }

  success(id: string): void {
    const record = this.records.get(id);
    if (record) {
      record.failures = 0;
      record.connectFailures = 0;
    }
  }

  /**
   * Records a failure; returns the ejection it caused, if any. `candidates` are the instances the
   * request could go to (a release pins requests to one version), for the ejection cap: ejections
   * elsewhere in the service must not stop a dead instance of this set from being ejected.
   */
  failure(
    id: string,
    candidates: readonly { readonly id: string }[],
    connectFailure: boolean,
  ): Ejection | undefined {
    const record = this.record(id);
    record.failures++;
    if (connectFailure) record.connectFailures++;
    const now = this.now();
    if (record.ejectedUntil > now) return undefined;
    const tripped =
      record.failures >= this.settings.consecutiveFailures ||
      record.connectFailures >= this.settings.consecutiveConnectFailures;
    if (!tripped || !this.mayEject(candidates, now)) return undefined;
    // The count decays by one per base period spent without an ejection.
    const healthyPeriods =
      record.ejectedUntil > 0 ? Math.floor((now - record.ejectedUntil) / this.settings.baseEjectionMs) : 0;
    record.ejections = Math.max(0, record.ejections - healthyPeriods) + 1;
    const duration = Math.min(this.settings.baseEjectionMs * record.ejections, this.settings.maxEjectionMs);
    record.ejectedUntil = now + duration;
    record.failures = 0;
    record.connectFailures = 0;
    return { until: record.ejectedUntil, count: record.ejections };
  }

  isEjected(id: string): boolean {
    return (this.records.get(id)?.ejectedUntil ?? 0) > this.now();
  }

  ejection(id: string): Ejection | undefined {
    const record = this.records.get(id);
    return record && record.ejectedUntil > this.now()
      ? { until: record.ejectedUntil, count: record.ejections }
      : undefined;
  }

  forget(id: string): void {
    this.records.delete(id);
  }

  /** At most `maxEjectionPercent` of the candidates out at once, counting this ejection. */
  private mayEject(candidates: readonly { readonly id: string }[], now: number): boolean {
    let ejected = 0;
    for (const { id } of candidates) if ((this.records.get(id)?.ejectedUntil ?? 0) > now) ejected++;
    return ejected + 1 <= Math.floor((candidates.length * this.settings.maxEjectionPercent) / 100);
  }

  private record(id: string): InstanceRecord {
    let record = this.records.get(id);
    if (!record) {
      record = { failures: 0, connectFailures: 0, ejections: 0, ejectedUntil: 0 };
      this.records.set(id, record);
    }
    return record;
  }
}

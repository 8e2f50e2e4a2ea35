/**
 * The opossum instance a breaker runs its calls on, with its rolling window and trip rule. It is
 * replaced when the settings change or the breaker goes half-open; a closed call remembers the
 * instance it started on ({@link current}) and counts only if that is still the one.
 */
import type { BreakerSettings } from '../breaker-settings.js';
import { type CarriedCounts, createOpossumCircuit, type OpossumCircuit } from './opossum-circuit.js';

export interface OpossumWindowOptions<Call> {
  readonly name: string;
  readonly action: (call: Call) => Promise<unknown>;
  /** True when an error must not count as a failure (opossum then records a success). */
  readonly errorFilter: (error: unknown) => boolean;
  /** Opossum counted a failure of `call`; it judges its trip rule right after. */
  readonly onFailure: (call: Call, error: unknown) => void;
  /** Opossum's trip rule opened the current instance. */
  readonly onOpen: () => void;
}

export class OpossumWindow<Call> {
  private circuit: OpossumCircuit<Call>;

  /** @param judgesErrors false over a count window: the breaker judges errors, opossum never opens. */
  constructor(
    private readonly options: OpossumWindowOptions<Call>,
    settings: BreakerSettings,
    judgesErrors: boolean,
  ) {
    this.circuit = this.create(settings, judgesErrors, undefined);
  }

  /** The instance calls start on now. */
  get current(): object {
    return this.circuit;
  }

  /** Runs a call through opossum: its timeout, error filter, counts and trip rule. */
  fire(call: Call): Promise<unknown> {
    return this.circuit.fire(call);
  }

  /** Writes a success straight into the window (two counter bumps), if `startedOn` is still current. */
  countSuccess(startedOn: object): void {
    const circuit = this.circuit;
    if (startedOn !== circuit) return;
    circuit.status.increment('fires');
    circuit.status.increment('successes');
  }

  countReject(): void {
    this.circuit.status.increment('rejects');
  }

  /** Runs a failed call's failure through opossum, which counts it and judges its rule. */
  async replayFailure(startedOn: object, call: Call): Promise<void> {
    if (startedOn === this.circuit) await this.circuit.fire(call).catch(() => undefined);
  }

  counts(): CarriedCounts {
    const { fires, successes, failures, timeouts, rejects } = this.circuit.stats;
    return { fires, successes, failures, timeouts, rejects };
  }

  /**
   * A new instance for `settings`, starting from `carried` counts (in its newest bucket) or empty.
   * Calls still running on the old one settle normally, and the breaker still reports them.
   */
  replace(settings: BreakerSettings, judgesErrors: boolean, carried: CarriedCounts | undefined): void {
    const old = this.circuit;
    this.circuit = this.create(settings, judgesErrors, carried);
    old.shutdown();
  }

  shutdown(): void {
    this.circuit.shutdown();
  }

  private create(
    settings: BreakerSettings,
    judgesErrors: boolean,
    carried: CarriedCounts | undefined,
  ): OpossumCircuit<Call> {
    const { name, action, errorFilter, onFailure, onOpen } = this.options;
    const circuit = createOpossumCircuit<Call>({
      name,
      settings,
      action,
      errorFilter,
      carried,
      judgesErrors,
    });
    // opossum emits `failure` before it decides to open, so the failure event precedes the state change.
    circuit.on('failure', (error, _latencyMs, [call]) => onFailure(call, error));
    circuit.on('open', () => {
      if (circuit === this.circuit) onOpen();
    });
    return circuit;
  }
}

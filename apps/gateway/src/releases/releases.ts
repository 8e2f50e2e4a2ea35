import { Counter, Gauge } from 'prom-client';

import { isNoInstancesError, type RegistryView } from '@platform/discovery';
import { registerConsumerLag } from '@platform/kafka';
import type { Logger } from '@platform/observability';
import { ValidationError, type FieldProblem, type ServiceContext } from '@platform/service-kit';

import { judge, WindowStats } from './canary-analysis.js';
import {
  NoInstancesAtVersionError,
  PinnedVersionMissingError,
  ReleaseFinishedError,
  ReleaseInProgressError,
  ReleaseNotFoundError,
} from './release.errors.js';
import { compare } from './release-precedence.js';
import { routingOf, type ReleaseRouting, type VersionChoice } from './release-routing.js';
import type { ReleaseStore } from './release-store.js';
import {
  DEFAULT_ANALYSIS,
  DEFAULT_CANARY_STEPS,
  isInProgress,
  MAX_HISTORY,
  RELEASE_PHASES,
  RELEASE_RECORD_VERSION,
  releaseRequestSchema,
  type Release,
  type ReleasePhase,
} from './release.js';

const NO_RELEASE = routingOf(undefined);
const SAVE_RETRY_MS = 2_000;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** The two sides of a canary's current window. */
interface Windows {
  readonly stable: WindowStats;
  readonly candidate: WindowStats;
}

/**
 * The gateway's releases: starts, promotes and aborts them (admin API), answers per request which
 * version a caller goes to, and — on the gateway that started a canary — judges it every interval
 * from the requests both sides served here, raising its weight step by step or rolling it back.
 * Every change is saved to the release store first (admin changes fail whole if Kafka is down); the
 * analysis acts locally at once and saves after, so a failing canary is cut off even without Kafka.
 */
export class Releases {
  private readonly routings = new Map<string, ReleaseRouting>();
  private readonly windows = new Map<string, Windows>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Releases the analysis changed while Kafka was unreachable: saved again every few seconds. */
  private readonly unsaved = new Set<string>();
  private closed = false;
  /** One change at a time, so two changes never take the same revision. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger: Logger;
  private readonly requests: Counter<'service' | 'side' | 'outcome'>;
  private readonly weight: Gauge<'service'>;
  private readonly transitions: Counter<'service' | 'phase'>;

  constructor(
    private readonly store: ReleaseStore,
    private readonly view: RegistryView,
    private readonly context: ServiceContext,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = context.logger.child({ component: 'releases' });
    this.requests = new Counter({
      name: 'gateway_release_requests_total',
      help: 'Requests routed by a release, by side (stable or candidate) and outcome (ok or error).',
      labelNames: ['service', 'side', 'outcome'],
      registers: [context.metrics],
    });
    this.weight = new Gauge({
      name: 'gateway_release_weight_percent',
      help: 'Share of users a release sends to its candidate version, in percent.',
      labelNames: ['service'],
      registers: [context.metrics],
    });
    this.transitions = new Counter({
      name: 'gateway_release_transitions_total',
      help: 'Release steps and endings, by the phase they led to.',
      labelNames: ['service', 'phase'],
      registers: [context.metrics],
    });
    registerConsumerLag(context.metrics, 'releases', () => store.lag());
    store.on('changed', (release) => this.adopt(release));
    for (const release of store.all()) this.adopt(release);
  }

  /** How requests to `service` are routed now (hot path: a map lookup). */
  routing(service: string): ReleaseRouting {
    return this.routings.get(service) ?? NO_RELEASE;
  }

  /** One request a release routed, for the analysis and the metrics. */
  record(service: string, choice: VersionChoice, ok: boolean, latencyMs: number): void {
    this.requests.inc({ service, side: choice.side, outcome: ok ? 'ok' : 'error' });
    this.windows.get(service)?.[choice.side].record(ok, latencyMs);
  }

  /**
   * What to answer for a request to `service` that failed: when its release pinned it to a version
   * with no live instance, an error that names the release and the fix; otherwise `error` itself.
   */
  explainFailure(service: string, error: unknown): unknown {
    const release = this.store.get(service);
    if (!release || !isNoInstancesError(error) || error.version === undefined) return error;
    return new PinnedVersionMissingError(release, error.version, error);
  }

  list(): Release[] {
    return this.store.all();
  }

  get(service: string): Release {
    const release = this.store.get(service);
    if (!release) throw new ReleaseNotFoundError(service);
    return release;
  }

  /** Starts a release; 409 while another one of the service is in progress or its versions have no instance. */
  start(service: string, body: unknown, actor: string): Promise<Release> {
    return this.serially(async () => {
      if (!SERVICE_NAME.test(service)) {
        throw new ValidationError(
          [{ field: 'service', problem: 'must be a service name: lower-case letters, digits and -' }],
          'release',
        );
      }
      const parsed = releaseRequestSchema.safeParse(body);
      if (!parsed.success) {
        const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
          field: issue.path.map(String).join('.'),
          problem: issue.message,
        }));
        throw new ValidationError(problems, 'release');
      }
      const request = parsed.data;
      const current = this.store.get(service);
      if (current && isInProgress(current)) throw new ReleaseInProgressError(current);
      if (request.strategy !== 'rolling') {
        const live = new Set(this.view.instances(service).map((instance) => instance.version));
        if (!live.has(request.candidate))
          throw new NoInstancesAtVersionError(service, request.candidate, 'candidate');
        if (request.strategy === 'canary' && !live.has(request.stable))
          throw new NoInstancesAtVersionError(service, request.stable, 'stable');
      }
      const steps = request.strategy === 'canary' ? [...(request.steps ?? DEFAULT_CANARY_STEPS)] : [];
      const weight = request.strategy === 'canary' ? steps[0]! : request.strategy === 'blue-green' ? 100 : 0;
      const at = new Date(this.now()).toISOString();
      const release: Release = {
        v: RELEASE_RECORD_VERSION,
        service,
        strategy: request.strategy,
        stable: request.stable,
        candidate: request.candidate,
        phase: 'progressing',
        weight,
        steps,
        analysis: { ...DEFAULT_ANALYSIS, ...request.analysis },
        lastAnalysis: null,
        history: [{ at, phase: 'progressing', weight, reason: `started by ${actor}` }],
        revision: (current?.revision ?? 0) + 1,
        startRevision: (current?.revision ?? 0) + 1,
        coordinator: this.context.instanceId,
        startedAt: at,
        updatedAt: at,
      };
      await this.store.save(release);
      // Another gateway started one at the same moment and its release won (release-precedence.ts).
      const held = this.store.get(service);
      if (held && compare(held, release) !== 0) throw new ReleaseInProgressError(held);
      this.logger.info(
        {
          service,
          strategy: release.strategy,
          stable: release.stable,
          candidate: release.candidate,
          weight,
          actor,
        },
        `${release.strategy} release of ${service} started: ${release.stable} → ${release.candidate}`,
      );
      return release;
    });
  }

  /** Every user to the candidate, for good (the runner then stops the stable instances). */
  promote(service: string, actor: string): Promise<Release> {
    return this.finish(service, 'promoted', 100, `promoted by ${actor}`);
  }

  /** Every user back to the stable version at once. */
  abort(service: string, actor: string): Promise<Release> {
    return this.finish(service, 'aborted', 0, `aborted by ${actor}`);
  }

  /** Stops the analysis timers. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }

  private finish(service: string, phase: ReleasePhase, weight: number, reason: string): Promise<Release> {
    return this.serially(async () => {
      const current = this.get(service);
      if (!isInProgress(current)) throw new ReleaseFinishedError(current);
      const next = this.next(current, { phase, weight }, reason);
      await this.store.save(next);
      // It finished on another gateway at the same moment, and that ending stands (release-precedence.ts).
      const held = this.store.get(service);
      if (held && compare(held, next) !== 0 && !isInProgress(held)) throw new ReleaseFinishedError(held);
      this.logger.info({ service, phase, reason }, `release of ${service} ${phase}`);
      return next;
    });
  }

  /** The release with a change, one more history entry and the next revision. */
  private next(current: Release, change: Partial<Release>, reason?: string): Release {
    const at = new Date(this.now()).toISOString();
    const updated = { ...current, ...change };
    const history =
      reason === undefined
        ? current.history
        : [...current.history, { at, phase: updated.phase, weight: updated.weight, reason }].slice(
            -MAX_HISTORY,
          );
    return { ...updated, history, revision: current.revision + 1, updatedAt: at };
  }

  /** Routes by a new or changed release, and runs its analysis here if this gateway coordinates it. */
  private adopt(release: Release): void {
    const { service } = release;
    this.routings.set(service, routingOf(release));
    this.weight.set({ service }, release.strategy === 'rolling' ? 0 : routingWeight(release));
    // Every phase from the start, at 0 (increase() cannot see a first step from nothing to 1); a
    // release read back while catching up after a restart is not a new transition.
    for (const phase of RELEASE_PHASES) this.transitions.inc({ service, phase }, 0);
    const last = release.history.at(-1);
    if (this.store.caughtUp && last && last.at === release.updatedAt)
      this.transitions.inc({ service, phase: release.phase });
    const analyse = release.strategy === 'canary' && isInProgress(release);
    if (!analyse || release.coordinator !== this.context.instanceId) {
      // Not analysed here: finished, or coordinated by another gateway (one whose release won a
      // start made on two gateways at once, see release-precedence.ts).
      clearInterval(this.timers.get(service));
      this.timers.delete(service);
      this.windows.delete(service);
      return;
    }
    // A new weight starts a new window: the last one's requests were judged at the old weight.
    this.windows.set(service, { stable: new WindowStats(), candidate: new WindowStats() });
    if (this.timers.has(service)) return;
    const timer = setInterval(() => void this.tick(service), release.analysis.intervalMs);
    timer.unref();
    this.timers.set(service, timer);
  }

  /** One analysis window of a canary: judge, then step up, roll back or wait. */
  private tick(service: string): Promise<unknown> {
    return this.serially(async () => {
      const current = this.store.get(service);
      const windows = this.windows.get(service);
      if (!current || !windows || !isInProgress(current)) return;
      const stable = windows.stable.take();
      const candidate = windows.candidate.take();
      const { verdict, reason, slow } = judge(stable, candidate, current.analysis, {
        warmingUp: current.lastAnalysis === null,
        slowBefore: current.lastAnalysis?.slow === true,
      });
      const lastAnalysis = {
        at: new Date(this.now()).toISOString(),
        stable,
        candidate,
        verdict,
        reason,
        ...(slow ? { slow } : {}),
      };
      let next: Release;
      if (!current.analysis.automatic || verdict === 'wait') {
        next = this.next(current, { lastAnalysis });
      } else if (verdict === 'rollback') {
        next = this.next(
          current,
          { lastAnalysis, phase: 'rolled-back', weight: 0 },
          `rolled back: ${reason}`,
        );
        this.logger.warn(
          { service, version: current.candidate, window: { stable, candidate }, reason },
          `canary of ${service} rolled back: ${reason}`,
        );
      } else {
        const weight = current.steps.find((step) => step > current.weight) ?? 100;
        const phase: ReleasePhase = weight >= 100 ? 'promoted' : 'progressing';
        next = this.next(
          current,
          { lastAnalysis, phase, weight },
          `${phase === 'promoted' ? 'promoted' : `raised to ${weight}%`}: ${reason}`,
        );
        this.logger.info(
          { service, weight, phase, reason },
          `canary of ${service} ${phase === 'promoted' ? 'promoted' : `raised to ${weight}%`}`,
        );
      }
      // Act here at once; the topic follows (now, or at a later tick if Kafka is away).
      this.store.apply(next);
      await this.saveQuietly(next);
    });
  }

  private async saveQuietly(release: Release): Promise<void> {
    try {
      await this.store.save(release);
      if (this.unsaved.delete(release.service))
        this.logger.info({ service: release.service }, 'release saved to the topic again');
    } catch (error) {
      if (!this.unsaved.has(release.service))
        this.logger.warn(
          { err: error, service: release.service },
          'cannot save the release; acting on it here meanwhile, and saving it when Kafka is back',
        );
      this.unsaved.add(release.service);
      if (this.closed) return;
      // The latest revision goes out (a later change may have replaced this one meanwhile).
      setTimeout(() => {
        const latest = this.store.get(release.service);
        if (latest && !this.closed && this.unsaved.has(release.service))
          void this.serially(() => this.saveQuietly(latest));
      }, SAVE_RETRY_MS).unref();
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The share of users on the candidate, as routed now. */
function routingWeight(release: Release): number {
  if (release.phase === 'promoted') return 100;
  if (release.phase !== 'progressing') return 0;
  return release.weight;
}

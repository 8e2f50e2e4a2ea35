import type { Freezer } from './faults/freezer.js';
import type { Fixture } from './fixture.js';
import type { GatewayAdmin } from './target/gateway-admin.js';
import type { PlatformTarget } from './target/platform-target.js';

/** One pass rule, as code, with what was observed. */
export interface Check {
  readonly rule: string;
  readonly pass: boolean;
  readonly observed: string;
}

export function check(rule: string, pass: boolean, observed: string): Check {
  return { rule, pass, observed };
}

/** Measured figures: numbers, or small objects of them (a latency summary, failures by status). */
export type Figures = Record<string, unknown>;

export interface ScenarioOutcome {
  readonly checks: readonly Check[];
  readonly figures: Figures;
}

/** What every scenario gets. */
export interface ChaosContext {
  readonly target: PlatformTarget;
  readonly gateway: GatewayAdmin;
  /** Every SIGSTOP goes through it, so that the suite can always SIGCONT. */
  readonly freezer: Freezer;
  /** The CI version: shorter faults, fewer samples. */
  readonly short: boolean;
  /** Users on each PostgreSQL server and a flag, created once per run. */
  fixture(): Promise<Fixture>;
  say(message: string): void;
}

/**
 * A chaos scenario: a fault, the ordinary traffic it runs during the fault (through the gateway), and
 * pass rules over what that traffic and the platform's admin APIs showed.
 */
export interface Scenario {
  readonly name: string;
  /** What is done to the platform. */
  readonly fault: string;
  /** The production fault it stands for, and why it matters. */
  readonly why: string;
  run(context: ChaosContext): Promise<ScenarioOutcome>;
}

export interface ScenarioResult {
  readonly name: string;
  readonly fault: string;
  readonly passed: boolean;
  readonly seconds: number;
  readonly checks: readonly Check[];
  readonly figures: Figures;
  /** The scenario could not run to its end. */
  readonly error?: string;
}

/** Runs one scenario; an exception fails it with the message, and whatever it froze is thawed. */
export async function runScenario(scenario: Scenario, context: ChaosContext): Promise<ScenarioResult> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  try {
    const outcome = await scenario.run(context);
    return {
      name: scenario.name,
      fault: scenario.fault,
      passed: outcome.checks.length > 0 && outcome.checks.every((c) => c.pass),
      seconds: seconds(),
      checks: outcome.checks,
      figures: outcome.figures,
    };
  } catch (error) {
    return {
      name: scenario.name,
      fault: scenario.fault,
      passed: false,
      seconds: seconds(),
      checks: [],
      figures: {},
      error: (error as Error).stack ?? String(error),
    };
  } finally {
    context.freezer.thawAll();
  }
}

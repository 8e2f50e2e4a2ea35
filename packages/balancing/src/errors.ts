import { STRATEGIES } from './picker.js';

/** A strategy name that is not one of {@link STRATEGIES}, e.g. a typo in configuration. */
export class UnknownStrategyError extends Error {
  readonly code = 'UNKNOWN_STRATEGY';

  constructor(readonly strategy: string) {
    super(`Unknown load-balancing strategy "${strategy}"; expected one of: ${STRATEGIES.join(', ')}`);
    this.name = 'UnknownStrategyError';
  }
}

export function isUnknownStrategyError(error: unknown): error is UnknownStrategyError {
  return error instanceof UnknownStrategyError;
}

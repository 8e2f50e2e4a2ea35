/**
 * What the load generator refuses before it sends anything. Both mean "fix the command or the
 * scenario file": the CLI prints the message and exits with code 2.
 */
export abstract class LoadgenInputError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command-line option is missing, unknown, malformed or contradicts another. */
export class UsageError extends LoadgenInputError {
  readonly code = 'usage';
}

/** The scenario file is not valid: the message names the file and the field. */
export class ScenarioError extends LoadgenInputError {
  readonly code = 'invalid_scenario';
}

export function isLoadgenInputError(error: unknown): error is LoadgenInputError {
  return error instanceof LoadgenInputError;
}

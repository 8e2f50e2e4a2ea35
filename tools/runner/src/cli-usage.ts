/** A mistake in the command line itself: one line saying what to fix, exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Node's own argument errors (unknown option, missing value) as a {@link UsageError}. */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(argumentProblem(error as Error & { code?: string }));
  }
}

/** True for `--help`, `-h` or `help` anywhere among the arguments. */
export function asksForHelp(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--help' || arg === '-h' || arg === 'help');
}

function argumentProblem(error: Error & { code?: string }): string {
  // Node phrases these for its own users ("Unknown option '--foo'. To specify a positional argument
  // starting with a '-', place it at the end of the command after '--'..."): the first sentence says it.
  return error.code?.startsWith('ERR_PARSE_ARGS_') ? error.message.split('. ')[0]! : error.message;
}

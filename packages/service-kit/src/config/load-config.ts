import type { z } from 'zod';

/** The environment did not describe a valid configuration. Lists every offending variable. */
export class ConfigError extends Error {
  readonly code = 'invalid_configuration';
  constructor(readonly problems: readonly { variable: string; problem: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` with `schema`. Throws {@link ConfigError} naming each variable that is missing or
 * wrong (with the value, unless it looks secret), so a service stops before it half-starts.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const value = env[variable];
    const shown =
      value === undefined ? 'is not set' : `= ${isSecret(variable) ? '(hidden)' : JSON.stringify(value)}`;
    const missing = value === undefined && issue.code === 'invalid_type';
    return { variable, problem: missing ? 'is required but not set' : `${shown}: ${issue.message}` };
  });
  throw new ConfigError(problems);
}

function isSecret(variable: string): boolean {
  return /TOKEN|PASSWORD|SECRET|KEY/i.test(variable) || /URL/.test(variable);
}

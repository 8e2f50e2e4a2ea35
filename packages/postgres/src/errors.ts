/** PostgreSQL error codes this platform reacts to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const PG_ERROR = {
  uniqueViolation: '23505',
  undefinedTable: '42P01',
  duplicateDatabase: '42P04',
} as const;

/** The SQLSTATE of a PostgreSQL error, or undefined for anything else. */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return /^[0-9A-Z]{5}$/.test(error.code) ? error.code : undefined;
  }
  return undefined;
}

/** The constraint a unique violation hit, for telling "duplicate email" from another duplicate. */
export function pgConstraint(error: unknown): string | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    'constraint' in error &&
    typeof error.constraint === 'string'
  ) {
    return error.constraint;
  }
  return undefined;
}

import { z } from 'zod';

/**
 * Small builders for environment variables. Each gives a message a person can act on, because
 * the message is what they read when a service refuses to start.
 */
export function intVar(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

export function portVar() {
  return intVar(1, 65_535);
}

/** `true/false/1/0/yes/no`, case-insensitive. */
export function boolVar() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(true|false|1|0|yes|no)$/, { message: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
}

/** Comma-separated `host:port` list, e.g. `127.0.0.1:9092,kafka-2:9092`. */
export function hostPortListVar() {
  return z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { message: 'each entry must be host:port' }))
        .min(1, 'must list at least one host:port'),
    );
}

export function postgresUrlVar() {
  return z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// connection URL' });
}

/** A name usable in ids, topics and metric labels. */
export function nameVar(max = 64) {
  return z
    .string()
    .trim()
    .regex(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${max - 1}}$`), {
      message: `must be 1-${max} letters, digits, '.', '_', ':' or '-'`,
    });
}

import { z } from 'zod';

/**
 * Admin tokens anyone can read: the default docker-compose.yml falls back to, and the placeholders
 * people paste from examples. A service refuses to start with one (compared case-insensitively).
 */
export const PUBLISHED_ADMIN_TOKENS: readonly string[] = ['dev-only-admin-token-change-me'];

/** A token containing one of these is a placeholder waiting to be replaced, whatever surrounds it. */
export const PLACEHOLDER_FRAGMENTS: readonly string[] = ['changeme', 'change-me', 'change_me'];

/** A token starting with one of these says what it is instead of being a secret. */
export const PLACEHOLDER_PREFIXES: readonly string[] = ['admin-token', 'admin_token', 'admintoken'];

/** True for a token from the lists above: a value published somewhere, not a secret. */
export function isPublishedAdminToken(token: string): boolean {
  const lower = token.toLowerCase();
  return (
    PUBLISHED_ADMIN_TOKENS.includes(lower) ||
    PLACEHOLDER_FRAGMENTS.some((fragment) => lower.includes(fragment)) ||
    PLACEHOLDER_PREFIXES.some((prefix) => lower.startsWith(prefix))
  );
}

/** The bearer token admin endpoints take: at least 16 characters, and not a published placeholder. */
export function adminTokenVar() {
  return z
    .string()
    .min(16, 'must be at least 16 characters')
    .refine((token) => !isPublishedAdminToken(token), {
      message:
        'is a placeholder published in this repository or its examples, so anyone could use it: ' +
        'set a secret of your own, e.g. `openssl rand -base64 24`',
    });
}

import { describe, expect, it } from '@jest/globals';

import { baseEnvSchema } from './base-env.schema.js';
import { adminTokenVar, isPublishedAdminToken } from './admin-token.var.js';
import { ConfigError, loadConfig } from './load-config.js';

describe(adminTokenVar.name, () => {
  it.each([
    'dev-only-admin-token-change-me', // docker-compose.yml's default
    'change-me-please-now',
    'CHANGEME-0123456789abcdef',
    'please_change_me_1234567',
    'admin-token-for-production',
    'AdminToken0123456789',
  ])('refuses the published placeholder %j', (token) => {
    expect(isPublishedAdminToken(token)).toBe(true);
    expect(adminTokenVar().safeParse(token).success).toBe(false);
  });

  it.each(['q3Yh0mC7x9L2bP5tV8wZ1nR4', 'test-admin-token-0123456789', 'my-admin-token-is-long'])(
    'accepts %j',
    (token) => {
      expect(adminTokenVar().safeParse(token)).toEqual({ success: true, data: token });
    },
  );

  it('stops a service at boot with a message that says why, without showing the token', () => {
    const env = { PORT: '0', KAFKA_BROKERS: '127.0.0.1:9092', ADMIN_TOKEN: 'dev-only-admin-token-change-me' };
    expect(() => loadConfig(baseEnvSchema, env)).toThrow(ConfigError);
    expect(() => loadConfig(baseEnvSchema, env)).toThrow(
      'ADMIN_TOKEN = (hidden): is a placeholder published in this repository or its examples',
    );
    expect(() => loadConfig(baseEnvSchema, env)).not.toThrow(/dev-only/);
  });
});

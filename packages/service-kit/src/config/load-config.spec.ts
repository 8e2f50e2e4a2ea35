import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { baseEnvSchema } from './base-env.schema.js';
import { postgresUrlVar } from './env-vars.js';
import { ConfigError, loadConfig } from './load-config.js';

const schema = baseEnvSchema.extend({ DATABASE_URL: postgresUrlVar() });
const valid = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  PORT: '3000',
  DATABASE_URL: 'postgres://app:pw@db:5432/app',
};

/** The ConfigError `loadConfig` throws for `env`. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe(ConfigError.name, () => {
  it('names every bad variable in one message, each with its problem', () => {
    const error = configError({ ...valid, PORT: 'eighty', LOG_LEVEL: 'loud', ZONE: 'eu west' });

    expect(error.code).toBe('invalid_configuration');
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['LOG_LEVEL', 'PORT', 'ZONE']);
    expect(error.message).toContain('PORT = "eighty": must be a whole number from 0 to 65535');
    expect(error.message).toContain('LOG_LEVEL = "loud"');
    expect(error.message).toContain('ZONE = "eu west"');
  });

  it('says "is required but not set" for a missing variable', () => {
    const { KAFKA_BROKERS: _, ...withoutBrokers } = valid;
    const error = configError(withoutBrokers);

    expect(error.problems).toEqual([{ variable: 'KAFKA_BROKERS', problem: 'is required but not set' }]);
    expect(error.message).toBe('invalid configuration: KAFKA_BROKERS is required but not set');
  });

  it('never shows the value of a secret: tokens, passwords, keys, URLs with credentials', () => {
    const error = configError({
      ...valid,
      ADMIN_TOKEN: 'hunter2',
      DATABASE_URL: 'mysql://root:s3cr3t@db/app',
    });

    expect(error.message).toContain('ADMIN_TOKEN = (hidden): must be at least 16 characters');
    expect(error.message).toContain('DATABASE_URL = (hidden): must be a postgres:// connection URL');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('s3cr3t');
    expect(JSON.stringify(error.problems)).not.toContain('s3cr3t');
  });
});

describe(loadConfig.name, () => {
  it('returns typed values with the defaults filled in', () => {
    const config = loadConfig(schema, valid);

    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      ADVERTISE_HOST: '127.0.0.1',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 1024 * 1024,
      REGISTRY_TOPIC: 'platform.registry',
      DATABASE_URL: valid.DATABASE_URL,
    });
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });

  it('ignores variables the schema does not know', () => {
    const config = loadConfig(z.object({ A: z.string() }), { A: 'x', PATH: '/usr/bin' });
    expect(config).toEqual({ A: 'x' });
  });
});

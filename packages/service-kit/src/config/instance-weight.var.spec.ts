import { describe, expect, it } from '@jest/globals';

import { baseEnvSchema } from './base-env.schema.js';
import { loadConfig } from './load-config.js';

const required = { KAFKA_BROKERS: '127.0.0.1:9092', PORT: '0' };

describe('INSTANCE_WEIGHT', () => {
  it('is optional: without it the instance announces no weight', () => {
    expect(loadConfig(baseEnvSchema, required).INSTANCE_WEIGHT).toBeUndefined();
  });

  it('takes a whole number from 1 to 100', () => {
    expect(loadConfig(baseEnvSchema, { ...required, INSTANCE_WEIGHT: '5' }).INSTANCE_WEIGHT).toBe(5);
    expect(loadConfig(baseEnvSchema, { ...required, INSTANCE_WEIGHT: '100' }).INSTANCE_WEIGHT).toBe(100);
  });

  it.each(['0', '101', '2.5', '-3', 'heavy'])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig(baseEnvSchema, { ...required, INSTANCE_WEIGHT: value })).toThrow(
      /INSTANCE_WEIGHT/,
    );
  });
});

import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { baseEnvSchema } from './base-env.schema.js';
import { loadConfig } from './load-config.js';
import { snapshotFileOf } from './snapshot-dir.var.js';

const required = { KAFKA_BROKERS: '127.0.0.1:9092', PORT: '0' };

describe('SNAPSHOT_DIR', () => {
  it('is optional: without it no module keeps a snapshot', () => {
    const config = loadConfig(baseEnvSchema, required);
    expect(config.SNAPSHOT_DIR).toBeUndefined();
    expect(snapshotFileOf(config, 'flags.json')).toBeUndefined();
  });

  it('is resolved to an absolute directory, each module keeping one file in it', () => {
    const config = loadConfig(baseEnvSchema, {
      ...required,
      SNAPSHOT_DIR: '.platform/data/snapshots/gateway-1',
    });
    expect(config.SNAPSHOT_DIR).toBe(path.resolve('.platform/data/snapshots/gateway-1'));
    expect(snapshotFileOf(config, 'registry.json')).toBe(
      path.resolve('.platform/data/snapshots/gateway-1/registry.json'),
    );
  });

  it('refuses an empty value rather than writing snapshots into the working directory', () => {
    expect(() => loadConfig(baseEnvSchema, { ...required, SNAPSHOT_DIR: ' ' })).toThrow(/SNAPSHOT_DIR/);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { Platform } from './platform.js';

const base = { gatewayPort: 8080, postgresPort: 5433, kafkaPort: 9092, kafkaControllerPort: 9093 };

describe(Platform.name, () => {
  it('rejects instance counts it cannot run, before starting anything', () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-platform-'));
    try {
      expect(() => Platform.create({ ...base, stateDir, scale: { gateway: 0 } })).toThrow('from 1 to 20');
      expect(() => Platform.create({ ...base, stateDir, scale: { 'id-service': 21 } })).toThrow(
        'from 0 to 20',
      );
      expect(() => Platform.create({ ...base, stateDir, scale: { 'billing-service': 1 } })).toThrow(
        'unknown service "billing-service"',
      );
      expect(fs.existsSync(path.join(stateDir, 'runner.lock'))).toBe(false);
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

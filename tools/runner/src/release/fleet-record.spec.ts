import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import {
  fleetOf,
  fleetRecordFile,
  groupsToStart,
  readFleetRecord,
  writeFleetRecord,
} from './fleet-record.js';

let stateDir: string;
let warnings: string[];
const warn = (message: string) => warnings.push(message);

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-fleet-'));
  warnings = [];
});

afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

const instance = (service: string, version: string, track = 'stable') => ({ service, version, track });

describe(fleetOf.name, () => {
  it('keeps each service’s version and groups the instances of other versions, as a release left them', () => {
    const versions = new Map([
      ['id-service', '0.2.0'],
      ['user-service', '0.1.0'],
    ]);
    const record = fleetOf(versions, [
      instance('id-service', '0.2.0'),
      instance('id-service', '0.2.0', 'green'),
      instance('user-service', '0.1.0'),
      instance('user-service', '0.1.0'),
      instance('user-service', '0.3.0', 'canary'),
    ]);
    expect(record).toEqual({
      'id-service': { version: '0.2.0', others: [] },
      'user-service': { version: '0.1.0', others: [{ version: '0.3.0', track: 'canary', count: 1 }] },
    });
  });
});

describe(readFleetRecord.name, () => {
  it('reads back what was written, so a restart starts the same versions', () => {
    const record = {
      'id-service': { version: '0.2.0', others: [{ version: '0.3.0', track: 'canary', count: 1 }] },
    };
    writeFleetRecord(stateDir, record);
    expect(readFleetRecord(stateDir, warn)).toEqual(record);
    expect(warnings).toEqual([]);
  });

  it('is empty without a record, and ignores one it cannot trust, saying so', () => {
    expect(readFleetRecord(stateDir, warn)).toEqual({});
    fs.writeFileSync(fleetRecordFile(stateDir), '{"v":1,"services":{"id-service":{"version":"../x"}}}');
    expect(readFleetRecord(stateDir, warn)).toEqual({});
    expect(warnings).toEqual([expect.stringContaining('is not a record this runner wrote')]);
  });
});

describe(groupsToStart.name, () => {
  it('starts the service’s count at its version on the stable track, then what ran beside them', () => {
    expect(
      groupsToStart({ version: '0.2.0', others: [{ version: '0.3.0', track: 'canary', count: 1 }] }, 2),
    ).toEqual([
      { version: '0.2.0', track: 'stable', count: 2 },
      { version: '0.3.0', track: 'canary', count: 1 },
    ]);
    expect(groupsToStart({ version: '0.2.0', others: [] }, 0)).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { kafkajsDir, patchKafkajs } from './kafkajs-idle-timer.mjs';

/** The parts of kafkajs' (untyped, internal) request queue these tests use. */
interface RequestQueue {
  readonly pending: unknown[];
  readonly throttleCheckTimeoutId: unknown;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  push(request: { entry: { correlationId: number }; expectResponse: boolean; sendRequest: () => void }): void;
  destroy(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueue;

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe('kafkajs request queue, as installed (patches/kafkajs-idle-timer.mjs)', () => {
  let queue: RequestQueue;

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-12-07T00:00:00Z') });
    queue = new RequestQueue({
      maxInFlightRequests: null,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'spec',
      broker: '127.0.0.1:9092',
      logger: quiet,
    });
  });

  afterEach(() => {
    queue.destroy();
    jest.useRealTimers();
  });

  it('arms no timer after a response while no request waits (no 1 ms loop, no TimeoutNegativeWarning)', () => {
    queue.checkPendingRequests(); // what every response and every timed-out request does
    expect(queue.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still sends a request that waited for the broker-asked throttle once it ends', () => {
    const sendRequest = jest.fn();
    queue.maybeThrottle(500);
    queue.push({ entry: { correlationId: 1 }, expectResponse: true, sendRequest });
    expect(queue.pending).toHaveLength(1);
    jest.advanceTimersByTime(499);
    expect(sendRequest).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(sendRequest).toHaveBeenCalledTimes(1);
    expect(queue.pending).toHaveLength(0);
  });
});

describe(patchKafkajs.name, () => {
  const copies: string[] = [];
  afterEach(() => copies.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  /** A copy of the installed kafkajs' manifest and request queue, with the request queue's source changed. */
  function copyOfKafkajs(edit: (source: string) => string, version = '2.2.4'): string {
    const from = kafkajsDir(process.cwd());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkajs-copy-'));
    copies.push(dir);
    const file = 'src/network/requestQueue/index.js';
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'kafkajs', version }));
    fs.writeFileSync(path.join(dir, file), edit(fs.readFileSync(path.join(from, file), 'utf8')));
    return dir;
  }
  const unpatched = (source: string) => source.replace(/ {4}\/\/ @platform\/kafka: .*\n.*\n/, '');

  it('fixes 2.2.4 once, and leaves a fixed copy as it is', () => {
    const dir = copyOfKafkajs(unpatched);
    const file = path.join(dir, 'src/network/requestQueue/index.js');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('@platform/kafka');
    expect(patchKafkajs(dir)).toMatch(/^kafkajs 2\.2\.4: fixed the request queue's idle timer/);
    const fixed = fs.readFileSync(file, 'utf8');
    expect(fixed).toContain('    if (this.pending.length === 0) return\n');
    expect(patchKafkajs(dir)).toMatch(/^kafkajs 2\.2\.4: already fixed/);
    expect(fs.readFileSync(file, 'utf8')).toBe(fixed);
  });

  it('refuses another version, or code it does not know, saying what to check', () => {
    expect(() => patchKafkajs(copyOfKafkajs(unpatched, '2.3.0'))).toThrow(
      /kafkajs 2\.3\.0 is not the 2\.2\.4 that .* fixes .*kafkajs issues 1704 and 1751/,
    );
    const renamed = copyOfKafkajs((source) =>
      unpatched(source).replace('scheduleCheckPendingRequests() {', 'x() {'),
    );
    expect(() => patchKafkajs(renamed)).toThrow(/is not the 2\.2\.4/);
  });
});

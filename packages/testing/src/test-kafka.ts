import { randomBytes } from 'node:crypto';

import { testInfra } from './test-infra.js';

/** A prefix no other test uses, so each test gets its own topics on the shared broker. */
export function uniqueTopic(label: string): string {
  return `test.${label}.${randomBytes(4).toString('hex')}`;
}

export function testKafkaBrokers(): string[] {
  return [...testInfra().kafkaBrokers];
}

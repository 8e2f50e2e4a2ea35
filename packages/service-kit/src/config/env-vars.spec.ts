import { networkInterfaces } from 'node:os';

import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';

import { baseEnvSchema } from './base-env.schema.js';
import { boolVar, hostPortListVar, intVar, nameVar } from './env-vars.js';
import { loadConfig } from './load-config.js';

/** The messages of a failed parse, or the parsed value. */
function parse(schema: z.ZodType, value: string): unknown {
  const result = schema.safeParse(value);
  return result.success ? result.data : { problems: result.error.issues.map((issue) => issue.message) };
}

describe(intVar.name, () => {
  const seconds = intVar(1, 60);

  it('accepts whole numbers within its bounds, the bounds included', () => {
    expect(parse(seconds, '1')).toBe(1);
    expect(parse(seconds, ' 60 ')).toBe(60);
    expect(parse(intVar(-5, 5), '-5')).toBe(-5);
  });

  it('names the bound a value crosses', () => {
    expect(parse(seconds, '0')).toEqual({ problems: ['must be at least 1'] });
    expect(parse(seconds, '61')).toEqual({ problems: ['must be at most 60'] });
  });

  it.each(['1.5', 'ten', '', '1e3', '0x10'])('rejects %j as not a whole number', (value) => {
    expect(parse(seconds, value)).toEqual({ problems: ['must be a whole number from 1 to 60'] });
  });
});

describe(hostPortListVar.name, () => {
  const brokers = hostPortListVar();

  it('splits a comma-separated list, trimming spaces and empty entries', () => {
    expect(parse(brokers, ' kafka-1:9092, 10.0.0.7:19092 ,')).toEqual(['kafka-1:9092', '10.0.0.7:19092']);
  });

  it('rejects an entry without a port, and an empty list', () => {
    expect(parse(brokers, 'kafka-1:9092,kafka-2')).toEqual({ problems: ['each entry must be host:port'] });
    expect(parse(brokers, ' , ')).toEqual({ problems: ['must list at least one host:port'] });
  });
});

describe(boolVar.name, () => {
  it('reads the usual spellings of true and false and rejects others', () => {
    expect(['true', 'YES', '1', 'false', 'No', '0'].map((value) => parse(boolVar(), value))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(parse(boolVar(), 'maybe')).toEqual({ problems: ['must be true or false'] });
  });
});

describe(nameVar.name, () => {
  it('accepts ids usable in topics and labels up to its length, nothing else', () => {
    expect(parse(nameVar(8), 'eu-west1')).toBe('eu-west1');
    expect(parse(nameVar(8), 'eu-west-1')).toEqual({ problems: [expect.stringContaining('1-8 letters')] });
    expect(parse(nameVar(), 'has space')).toEqual({ problems: [expect.stringContaining('letters')] });
  });
});

describe('ADVERTISE_HOST', () => {
  const env = { PORT: '0', KAFKA_BROKERS: '127.0.0.1:9092' };

  it('is announced as given, 127.0.0.1 by default', () => {
    expect(loadConfig(baseEnvSchema, env).ADVERTISE_HOST).toBe('127.0.0.1');
    expect(loadConfig(baseEnvSchema, { ...env, ADVERTISE_HOST: 'users-2.internal' }).ADVERTISE_HOST).toBe(
      'users-2.internal',
    );
  });

  it("auto-ip resolves to one of this machine's own non-loopback IPv4 addresses", () => {
    const own = Object.values(networkInterfaces())
      .flatMap((addresses) => addresses ?? [])
      .filter((address) => address.family === 'IPv4' && !address.internal)
      .map((address) => address.address);
    // The assertion below needs a machine with a network interface (containers and CI have one).
    expect(own.length).toBeGreaterThan(0);

    const host = loadConfig(baseEnvSchema, { ...env, ADVERTISE_HOST: 'auto-ip' }).ADVERTISE_HOST;
    expect(host).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    expect(own).toContain(host);
  });

  it('rejects something that is not a host', () => {
    expect(() => loadConfig(baseEnvSchema, { ...env, ADVERTISE_HOST: 'http://x/' })).toThrow(
      'ADVERTISE_HOST = "http://x/": must be a host name, an IP address or auto-ip',
    );
  });
});

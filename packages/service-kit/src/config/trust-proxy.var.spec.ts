import { describe, expect, it } from '@jest/globals';

import { baseEnvSchema } from './base-env.schema.js';
import { loadConfig } from './load-config.js';
import { trustProxyVar } from './trust-proxy.var.js';

function parse(value: string): unknown {
  const result = trustProxyVar().safeParse(value);
  return result.success ? result.data : { problems: result.error.issues.map((issue) => issue.message) };
}

describe(trustProxyVar.name, () => {
  it('trusts no proxy unless told', () => {
    expect(loadConfig(baseEnvSchema, { PORT: '0', KAFKA_BROKERS: '127.0.0.1:9092' }).TRUST_PROXY).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse(' ')).toBe(false);
  });

  it('trusts every proxy with true', () => {
    expect(parse('TRUE')).toBe(true);
  });

  it('reads a comma-separated list of addresses, CIDR ranges and named ranges', () => {
    expect(parse(' 10.0.0.0/8, 192.168.1.7,fd00::/8 ,::1, loopback')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      '::1',
      'loopback',
    ]);
  });

  it('refuses a hop count, saying what to set instead', () => {
    expect(parse('1')).toEqual({ problems: [expect.stringMatching(/hop count.*list the proxies instead/)] });
  });

  it('names the entries that are neither an address nor a range', () => {
    expect(parse('10.0.0.1,proxy.internal,10.0.0.0/33,1.2.3.4/8/8')).toEqual({
      problems: [expect.stringMatching(/not proxy\.internal, 10\.0\.0\.0\/33, 1\.2\.3\.4\/8\/8$/)],
    });
  });
});

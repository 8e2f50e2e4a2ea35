import { describe, expect, it } from '@jest/globals';

import { baseEnvSchema } from '../config/base-env.schema.js';
import { loadConfig } from '../config/load-config.js';
import { httpServerOptions } from './http-server-options.js';

const configWith = (env: Record<string, string> = {}) =>
  loadConfig(baseEnvSchema, { PORT: '0', KAFKA_BROKERS: '127.0.0.1:9092', ...env });

describe(httpServerOptions.name, () => {
  it('by default: headers within 10 s, the whole request within 30 s, checked every second', () => {
    expect(httpServerOptions(configWith())).toEqual({
      requestTimeout: 30_000,
      keepAliveTimeout: 72_000,
      trustProxy: false,
      http: { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 },
    });
  });

  it('checks a short headers timeout every tenth of it', () => {
    const options = httpServerOptions(configWith({ HTTP_HEADERS_TIMEOUT_MS: '500' }));
    expect(options.http.connectionsCheckingInterval).toBe(50);
  });

  it('caps the headers timeout at the request timeout, which covers the headers too', () => {
    const options = httpServerOptions(
      configWith({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '5000' }),
    );
    expect(options.http).toEqual({
      headersTimeout: 5_000,
      requestTimeout: 5_000,
      connectionsCheckingInterval: 500,
    });
  });

  it('passes TRUST_PROXY on as Fastify takes it', () => {
    expect(httpServerOptions(configWith({ TRUST_PROXY: '10.0.0.0/8,10.1.0.1' })).trustProxy).toEqual([
      '10.0.0.0/8',
      '10.1.0.1',
    ]);
  });
});

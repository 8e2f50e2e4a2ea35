import { afterEach, describe, expect, it } from '@jest/globals';

import { requestFrom, startEdgeService, type EdgeService } from './support/edge-service.js';

/** The address the service sees for a request from `from` claiming to forward for 203.0.113.7. */
async function ipSeen(edge: EdgeService, from: string): Promise<string> {
  const response = await requestFrom(from, edge.port, {
    path: '/edge/whoami',
    headers: { 'x-forwarded-for': '203.0.113.7' },
  });
  expect(response.status).toBe(200);
  return (JSON.parse(response.body) as { ip: string }).ip;
}

describe('TRUST_PROXY', () => {
  let edge: EdgeService | undefined;
  afterEach(async () => {
    await edge?.service.shutdown('test over');
    edge = undefined;
  });

  it('by default, request.ip is the peer: a spoofed X-Forwarded-For is ignored', async () => {
    edge = await startEdgeService();
    expect(await ipSeen(edge, '127.0.0.1')).toBe('127.0.0.1');
    expect(await ipSeen(edge, '127.0.0.2')).toBe('127.0.0.2');
  });

  it('honours X-Forwarded-For from a listed proxy only', async () => {
    edge = await startEdgeService({ TRUST_PROXY: '127.0.0.1' });
    // Through the proxy: the client it forwards for.
    expect(await ipSeen(edge, '127.0.0.1')).toBe('203.0.113.7');
    // Connecting directly from elsewhere: the claim is ignored.
    expect(await ipSeen(edge, '127.0.0.2')).toBe('127.0.0.2');
  });
});

import { describe, expect, it } from '@jest/globals';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { bodyAnnounced, closeIfBodyPending } from './close-if-body-pending.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe(closeIfBodyPending.name, () => {
  it.each([
    [{ 'content-length': '10' }, true],
    [{ 'transfer-encoding': 'chunked' }, true],
    [{ 'content-length': '0' }, false],
    [{}, false],
  ])('with %j a body is announced: %s', (headers, announced) => {
    expect(bodyAnnounced(request(headers))).toBe(announced);
    const set: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (set[name] = value) } as unknown as FastifyReply;
    closeIfBodyPending(request(headers), reply);
    expect(set).toEqual(announced ? { connection: 'close' } : {});
  });
});

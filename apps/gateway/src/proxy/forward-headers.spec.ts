import { describe, expect, it } from '@jest/globals';

import { forwardRequestHeaders, forwardResponseHeaders, type ClientInfo } from './forward-headers.js';

const client: ClientInfo = { ip: '10.0.0.7', protocol: 'https', host: 'api.example.com', requestId: 'req-1' };

const HOP_BY_HOP = {
  connection: 'keep-alive',
  'keep-alive': 'timeout=5',
  'proxy-authenticate': 'Basic',
  'proxy-authorization': 'Basic c2VjcmV0',
  'proxy-connection': 'keep-alive',
  te: 'trailers',
  trailer: 'x-checksum',
  'transfer-encoding': 'chunked',
  upgrade: 'websocket',
};

describe(forwardRequestHeaders.name, () => {
  it('keeps end-to-end headers and drops every hop-by-hop one', () => {
    const forwarded = forwardRequestHeaders(
      {
        ...HOP_BY_HOP,
        'content-type': 'application/json',
        authorization: 'Bearer user-token',
        cookie: 'a=1',
        'x-custom': 'yes',
      },
      client,
    );

    for (const name of Object.keys(HOP_BY_HOP)) expect(forwarded).not.toHaveProperty(name);
    expect(forwarded).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer user-token',
      cookie: 'a=1',
      'x-custom': 'yes',
    });
  });

  it('drops the headers the Connection header names, whatever their case and spacing', () => {
    const forwarded = forwardRequestHeaders(
      { connection: ' X-Session ,x-trace-hop', 'x-session': 's', 'x-trace-hop': 't', 'x-kept': 'k' },
      client,
    );

    expect(forwarded).not.toHaveProperty('x-session');
    expect(forwarded).not.toHaveProperty('x-trace-hop');
    expect(forwarded['x-kept']).toBe('k');
  });

  it('never sends Expect upstream: the gateway answers 100-continue itself, and has the body by then', () => {
    const forwarded = forwardRequestHeaders(
      { expect: '100-continue', 'content-type': 'application/octet-stream' },
      client,
    );

    expect(forwarded).not.toHaveProperty('expect');
    expect(forwarded['content-type']).toBe('application/octet-stream');
  });

  it('leaves host and content-length to the client that calls the upstream', () => {
    const forwarded = forwardRequestHeaders({ host: 'api.example.com', 'content-length': '12' }, client);

    expect(forwarded).not.toHaveProperty('host');
    expect(forwarded).not.toHaveProperty('content-length');
  });

  it('adds X-Forwarded-For/Proto/Host, X-Forwarded-Prefix (the /api it removed) and the request id', () => {
    expect(forwardRequestHeaders({}, client)).toEqual({
      'x-forwarded-for': '10.0.0.7',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      'x-forwarded-prefix': '/api',
      'x-request-id': 'req-1',
    });
  });

  it("leaves the client's trace context out: the gateway sends its own span's, in the same trace", () => {
    const forwarded = forwardRequestHeaders(
      {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'congo=t61rcWkgMzE',
        baggage: 'userId=alice',
      },
      client,
    );

    expect(forwarded).not.toHaveProperty('traceparent');
    expect(forwarded).not.toHaveProperty('tracestate');
    // Only trace context is replaced; other end-to-end headers pass as they are.
    expect(forwarded['baggage']).toBe('userId=alice');
  });

  it('appends the client to the X-Forwarded-For chain the request arrived with', () => {
    const forwarded = forwardRequestHeaders({ 'x-forwarded-for': '203.0.113.1, 198.51.100.2' }, client);

    expect(forwarded['x-forwarded-for']).toBe('203.0.113.1, 198.51.100.2, 10.0.0.7');
  });

  it('replaces a client-sent X-Forwarded-Proto/Host/Prefix and request id with what the gateway saw', () => {
    const forwarded = forwardRequestHeaders(
      {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-prefix': '/elsewhere',
        'x-request-id': 'theirs',
      },
      { ...client, protocol: 'http', host: undefined },
    );

    expect(forwarded['x-forwarded-proto']).toBe('http');
    expect(forwarded['x-forwarded-prefix']).toBe('/api');
    expect(forwarded).not.toHaveProperty('x-forwarded-host');
    expect(forwarded['x-request-id']).toBe('req-1');
  });
});

describe(forwardResponseHeaders.name, () => {
  it('passes the upstream response headers on without hop-by-hop ones, those Connection names or traceresponse', () => {
    const forwarded = forwardResponseHeaders({
      ...HOP_BY_HOP,
      connection: 'keep-alive, x-upstream-hop',
      'x-upstream-hop': 'h',
      'content-type': 'application/json',
      'set-cookie': ['a=1', 'b=2'],
      'retry-after': '1',
      traceresponse: '00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01',
    });

    expect(forwarded).toEqual({
      'content-type': 'application/json',
      'set-cookie': ['a=1', 'b=2'],
      'retry-after': '1',
    });
  });
});

import { describe, expect, it } from '@jest/globals';

import type { OpenApiDocument } from '@platform/service-kit';

import { UNREACHABLE_EXTENSION } from './merge-documents.js';
import { PlatformDocument, type ServiceDocuments } from './platform-document.js';

function documentWith(path: string, operationId: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'x', version: '1.0.0' },
    paths: { [path]: { get: { operationId, responses: { '200': { description: 'OK' } } } } },
    components: { schemas: {}, securitySchemes: {} },
  };
}

const gateway = () => ({
  service: 'gateway',
  segments: [],
  document: documentWith('/admin/routes', 'routes'),
});

describe(PlatformDocument.name, () => {
  it("merges every service's document, and names the one that failed and the one that hung", async () => {
    const documents: ServiceDocuments = {
      services: () => [
        { service: 'id-service', segments: ['ids'] },
        { service: 'user-service', segments: ['users'] },
        { service: 'flags-service', segments: ['flags'] },
      ],
      fetch: (service, signal) => {
        if (service === 'id-service') return Promise.resolve(documentWith('/ids/{kind}', 'issue'));
        if (service === 'user-service') return Promise.reject(new Error('no live instance of user-service'));
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'TimeoutError' })),
          ),
        );
      },
    };

    const merged = await new PlatformDocument(gateway, documents, { timeoutMs: 50 }).document();

    expect(Object.keys(merged.paths)).toEqual(['/admin/routes', '/api/ids/{kind}']);
    expect(merged[UNREACHABLE_EXTENSION]).toEqual([
      { service: 'flags-service', problem: 'no answer in time' },
      { service: 'user-service', problem: 'no live instance of user-service' },
    ]);
  });

  it('asks once for a burst of requests, and again 2 s later, so a service that came up since is listed', async () => {
    let up = false;
    let asked = 0;
    let now = 0;
    const documents: ServiceDocuments = {
      services: () => [{ service: 'id-service', segments: ['ids'] }],
      fetch: () => {
        asked++;
        return up ? Promise.resolve(documentWith('/ids/{kind}', 'issue')) : Promise.reject(new Error('down'));
      },
    };
    const platform = new PlatformDocument(gateway, documents, { now: () => now });

    const burst = await Promise.all(Array.from({ length: 10 }, () => platform.document()));
    expect(asked).toBe(1);
    expect(burst[9]![UNREACHABLE_EXTENSION]).toEqual([{ service: 'id-service', problem: 'down' }]);

    up = true;
    now = 1_999;
    expect((await platform.document())[UNREACHABLE_EXTENSION]).toHaveLength(1);
    now = 2_000;
    const merged = await platform.document();
    expect(asked).toBe(2);
    expect(merged[UNREACHABLE_EXTENSION]).toBeUndefined();
    expect(merged.paths['/api/ids/{kind}']).toBeDefined();
  });
});

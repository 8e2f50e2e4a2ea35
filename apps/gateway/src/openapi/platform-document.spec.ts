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

    const merged = await new PlatformDocument(gateway, documents, 50).build();

    expect(Object.keys(merged.paths)).toEqual(['/admin/routes', '/api/ids/{kind}']);
    expect(merged[UNREACHABLE_EXTENSION]).toEqual([
      { service: 'flags-service', problem: 'no answer in time' },
      { service: 'user-service', problem: 'no live instance of user-service' },
    ]);
  });

  it('asks again each time, so a service that came up since is listed', async () => {
    let up = false;
    const documents: ServiceDocuments = {
      services: () => [{ service: 'id-service', segments: ['ids'] }],
      fetch: () =>
        up ? Promise.resolve(documentWith('/ids/{kind}', 'issue')) : Promise.reject(new Error('down')),
    };
    const platform = new PlatformDocument(gateway, documents);

    expect((await platform.build())[UNREACHABLE_EXTENSION]).toHaveLength(1);
    up = true;
    const merged = await platform.build();
    expect(merged[UNREACHABLE_EXTENSION]).toBeUndefined();
    expect(merged.paths['/api/ids/{kind}']).toBeDefined();
  });
});

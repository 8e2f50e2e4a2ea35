import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { INITIALIZER, SWAGGER_UI_ASSETS, SwaggerUiFiles, swaggerUiDirectory } from './swagger-ui-files.js';

describe(SwaggerUiFiles.name, () => {
  const files = new SwaggerUiFiles('/openapi.json');

  it('serves a page that loads every asset it serves, by absolute URL under /docs', () => {
    const { contentType, body } = files.page();
    expect(contentType).toMatch(/^text\/html/);
    for (const name of [...Object.keys(SWAGGER_UI_ASSETS), INITIALIZER])
      expect(String(body)).toContain(`"/docs/${name}"`);
  });

  it("serves swagger-ui-dist's own files byte for byte, with their content types", async () => {
    const bundle = await files.file('swagger-ui-bundle.js');
    expect(bundle?.contentType).toMatch(/^text\/javascript/);
    expect(bundle?.body).toEqual(fs.readFileSync(path.join(swaggerUiDirectory(), 'swagger-ui-bundle.js')));
    expect((await files.file('favicon-16x16.png'))?.contentType).toBe('image/png');
  });

  it('points Swagger UI at the document it was given', async () => {
    expect(String((await files.file(INITIALIZER))?.body)).toContain('url: "/openapi.json"');
  });

  it('serves nothing else of the package or the disk', async () => {
    for (const name of ['package.json', 'index.html', '../../package.json', 'constructor', 'toString'])
      expect(await files.file(name)).toBeUndefined();
  });
});

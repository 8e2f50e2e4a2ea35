import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The files of swagger-ui-dist the docs page loads, and their content types; nothing else is served. */
export const SWAGGER_UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** The file that starts Swagger UI on the page, written here rather than taken from the package. */
export const INITIALIZER = 'swagger-initializer.js';

export interface DocsFile {
  readonly contentType: string;
  readonly body: Buffer | string;
}

/** Where npm installed swagger-ui-dist (what its `getAbsoluteFSPath()` answers). */
export function swaggerUiDirectory(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/**
 * The docs UI: Swagger UI (swagger-ui-dist, the maintained static build) showing the document at
 * `documentUrl`. The page and the initializer are written here; the assets are the package's own
 * files, read once and kept. Asset URLs are absolute under `base` (`/docs`), so the page works
 * with or without a trailing slash.
 */
export class SwaggerUiFiles {
  private readonly read = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly documentUrl: string,
    private readonly base = '/docs',
    private readonly directory = swaggerUiDirectory(),
  ) {}

  page(): DocsFile {
    const asset = (name: string) => `${this.base}/${name}`;
    const body = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Platform API</title>
    <link rel="stylesheet" type="text/css" href="${asset('swagger-ui.css')}" />
    <link rel="stylesheet" type="text/css" href="${asset('index.css')}" />
    <link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}" sizes="32x32" />
    <link rel="icon" type="image/png" href="${asset('favicon-16x16.png')}" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${asset('swagger-ui-bundle.js')}" charset="UTF-8"></script>
    <script src="${asset('swagger-ui-standalone-preset.js')}" charset="UTF-8"></script>
    <script src="${asset(INITIALIZER)}" charset="UTF-8"></script>
  </body>
</html>
`;
    return { contentType: 'text/html; charset=utf-8', body };
  }

  /** One file the page loads, or undefined for any other name. */
  async file(name: string): Promise<DocsFile | undefined> {
    if (name === INITIALIZER)
      return { contentType: SWAGGER_UI_ASSETS['swagger-ui-bundle.js']!, body: this.initializer() };
    const contentType = Object.hasOwn(SWAGGER_UI_ASSETS, name) ? SWAGGER_UI_ASSETS[name] : undefined;
    if (contentType === undefined) return undefined;
    let body = this.read.get(name);
    if (!body) {
      body = fs.readFile(path.join(this.directory, name));
      this.read.set(name, body);
      body.catch(() => this.read.delete(name));
    }
    return { contentType, body: await body };
  }

  private initializer(): string {
    return `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(this.documentUrl)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;
  }
}

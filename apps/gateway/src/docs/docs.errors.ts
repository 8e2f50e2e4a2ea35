import { PlatformError } from '@platform/service-kit';

/** `GET /docs/{file}` for a file the docs page does not use. */
export class DocsFileNotFoundError extends PlatformError {
  readonly code = 'not_found';
  readonly kind = 'not_found';

  constructor(name: string) {
    super(`the docs page has no file ${JSON.stringify(name)}; open /docs`);
  }
}

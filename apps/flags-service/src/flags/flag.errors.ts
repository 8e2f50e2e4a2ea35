import { PlatformError } from '@platform/service-kit';

export class FlagNotFoundError extends PlatformError {
  readonly code = 'flag_not_found';
  readonly kind = 'not_found';

  constructor(key: string) {
    super(`no flag has key ${key}`);
  }
}

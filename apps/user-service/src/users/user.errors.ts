import { DEPENDENCY_ORIGIN } from '@platform/observability';
import { PlatformError } from '@platform/service-kit';

export class UserNotFoundError extends PlatformError {
  readonly code = 'user_not_found';
  readonly kind = 'not_found';

  constructor(key: bigint | string) {
    super(typeof key === 'bigint' ? `no user has id ${key}` : `no user has email ${key}`);
  }
}

export class DuplicateEmailError extends PlatformError {
  readonly code = 'email_taken';
  readonly kind = 'conflict';

  constructor(email: string) {
    super(`a user with email ${email} already exists`);
  }
}

/** id-service answered, but not with an id. */
export class IdServiceError extends PlatformError {
  readonly code = 'id_service_failed';
  readonly kind = 'bad_gateway';
  override readonly origin = DEPENDENCY_ORIGIN;

  constructor(status: number, detail: string) {
    super(`id-service could not issue an id (status ${status}): ${detail}`);
  }
}

/** Recovery settled this write's prepared transaction as aborted before its writer could decide. */
export class WriteAbandonedError extends PlatformError {
  readonly code = 'write_abandoned';
  readonly kind = 'unavailable';
  /** Its writer was held up by a shard or the catalog, not by this instance. */
  override readonly origin = DEPENDENCY_ORIGIN;
  override readonly retryAfterSeconds = 1;

  constructor() {
    super('the write took too long and was rolled back; nothing was changed, retry it');
  }
}

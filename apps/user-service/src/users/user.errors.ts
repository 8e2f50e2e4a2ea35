import { PlatformError } from '@platform/service-kit';

export class UserNotFoundError extends PlatformError {
  readonly code = 'user_not_found';
  readonly kind = 'not_found';

  constructor(id: bigint) {
    super(`no user has id ${id}`);
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

  constructor(status: number, detail: string) {
    super(`id-service could not issue an id (status ${status}): ${detail}`);
  }
}

import { PlatformError } from '../errors/platform-error.js';

/** A client presented too many wrong admin tokens; it may try again after `retryAfterSeconds` (429). */
export class AdminLockedOutError extends PlatformError {
  readonly code = 'admin_auth_locked';
  readonly kind = 'rate_limited';

  constructor(retryAfterSeconds: number) {
    super(
      `too many wrong admin tokens from this address: admin endpoints refuse it for ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
}

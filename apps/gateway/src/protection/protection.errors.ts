import { PlatformError } from '@platform/service-kit';

export class RateLimitedError extends PlatformError {
  readonly code = 'rate_limited';
  readonly kind = 'rate_limited';

  constructor(retryAfterSeconds: number) {
    super(`too many requests from this client; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export class OverloadedError extends PlatformError {
  readonly code = 'overloaded';
  readonly kind = 'unavailable';

  constructor(route: string, shed: boolean) {
    super(
      shed
        ? `the gateway is busy and sheds the non-essential route /api/${route} first; retry shortly`
        : 'the gateway is at its limit of requests in flight; retry shortly',
      { retryAfterSeconds: 1 },
    );
  }
}

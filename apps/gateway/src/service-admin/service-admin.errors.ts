import { PlatformError } from '@platform/service-kit';

/** `/admin/services/<service>/...` names a service the registry has not listed (404, with those it has). */
export class UnknownServiceError extends PlatformError {
  readonly code = 'unknown_service';
  readonly kind = 'not_found';

  constructor(service: string, services: readonly string[]) {
    super(
      `the registry lists no service ${JSON.stringify(service)}; services: ${services.join(', ') || 'none'}`,
      { details: { services } },
    );
  }
}

/** `?instance=<id>` names no live instance of the service (404, with the live ones). */
export class UnknownInstanceError extends PlatformError {
  readonly code = 'unknown_instance';
  readonly kind = 'not_found';

  constructor(service: string, instance: string, instances: readonly string[]) {
    super(
      `${service} has no live instance ${JSON.stringify(instance)}; live instances: ${instances.join(', ')}`,
      { details: { instances } },
    );
  }
}

/** `instance` given empty, twice, or in percent-encoding that does not decode (400). */
export class InvalidInstanceError extends PlatformError {
  readonly code = 'invalid_instance';
  readonly kind = 'invalid';

  constructor() {
    super('?instance= must name one instance id, once (GET /admin/registry lists them)');
  }
}

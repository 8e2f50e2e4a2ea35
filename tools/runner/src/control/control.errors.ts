/**
 * What the control API can refuse, each with a stable `code` and a `kind` that the server maps to an
 * HTTP status in one place (the same shape as the services' errors, without depending on them).
 */
export type ControlErrorKind = 'invalid' | 'unauthenticated' | 'not_found' | 'conflict' | 'failed';

export abstract class ControlError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ControlErrorKind;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export function isControlError(error: unknown): error is ControlError {
  return error instanceof ControlError;
}

/** The body or the path is malformed. */
export class InvalidControlRequestError extends ControlError {
  readonly code = 'invalid_request';
  readonly kind = 'invalid';
}

export class UnauthenticatedControlError extends ControlError {
  readonly code = 'unauthenticated';
  readonly kind = 'unauthenticated';
}

/** The gateway is every request's way in: replacing it would cut every connection. */
export class GatewayNotReleasableError extends ControlError {
  readonly code = 'gateway_not_releasable';
  readonly kind = 'invalid';

  constructor(action: 'releasing it' | 'stopping its instances') {
    super(
      `the gateway is the edge; ${action} is not supported (Ctrl-C in the runner stops the whole platform)`,
    );
  }
}

export class UnknownEndpointError extends ControlError {
  readonly code = 'not_found';
  readonly kind = 'not_found';

  constructor(method: string, path: string) {
    super(
      `no endpoint ${method} ${path}; the endpoints are GET /instances, POST /instances, ` +
        'DELETE /instances/{instanceId}, POST /instances/{instanceId}/restart, GET /services, ' +
        'PUT /services/{service}/version, GET /infrastructure and POST /infrastructure/{name}/stop|start',
    );
  }
}

export class UnknownServiceError extends ControlError {
  readonly code = 'service_not_found';
  readonly kind = 'not_found';

  constructor(service: string, known: readonly string[]) {
    super(`unknown service "${service}"; the services are ${known.join(', ')}`);
  }
}

export class UnknownInstanceError extends ControlError {
  readonly code = 'instance_not_found';
  readonly kind = 'not_found';

  constructor(instanceId: string) {
    super(`no running instance "${instanceId}"; GET /instances lists them`);
  }
}

/** Stopping it would leave its service with nothing to serve requests. */
export class LastInstanceError extends ControlError {
  readonly code = 'last_instance';
  readonly kind = 'conflict';

  constructor(instanceId: string, service: string) {
    super(
      `${instanceId} is the last ready instance of ${service}; start another one first ` +
        '(POST /instances), then stop this one',
    );
  }
}

/** The platform is shutting down, so it starts nothing new. */
export class PlatformStoppingError extends ControlError {
  readonly code = 'platform_stopping';
  readonly kind = 'conflict';

  constructor() {
    super('the platform is stopping; it starts no new instances');
  }
}

/** New instances did not come up; the ones this request started have been stopped again. */
export class InstanceStartError extends ControlError {
  readonly code = 'start_failed';
  readonly kind = 'failed';

  constructor(service: string, version: string, cause: unknown) {
    super(
      `could not start ${service} ${version}: ${(cause as Error).message}; ` +
        'the instances this request started have been stopped again',
    );
  }
}

export class UnknownInfraError extends ControlError {
  readonly code = 'infrastructure_not_found';
  readonly kind = 'not_found';
  constructor(name: string, known: readonly string[]) {
    super(
      `no infrastructure "${name}" that this runner started; it has ${known.join(', ') || 'none'} ` +
        "(with POSTGRES_URL or KAFKA_BROKERS, that server is not the runner's to stop)",
    );
  }
}

import { PlatformError } from '@platform/service-kit';

export class RouteNotFoundError extends PlatformError {
  readonly code = 'route_not_found';
  readonly kind = 'not_found';

  constructor(method: string, url: string) {
    super(`no service routes ${method} ${url.split('?')[0]}; GET /admin/routes lists the routes`);
  }
}

import { PlatformError } from '@platform/service-kit';

import type { EdgePathProblem } from './edge-path.js';

export class RouteNotFoundError extends PlatformError {
  readonly code = 'route_not_found';
  readonly kind = 'not_found';

  constructor(method: string, url: string) {
    super(`no service routes ${method} ${url.split('?')[0]}; GET /admin/routes lists the routes`);
  }
}

const PROBLEM_TEXT: Record<EdgePathProblem, string> = {
  dot_segment: 'a dot-segment (`.` or `..`, percent-encoded or not)',
  encoded_separator: 'an encoded `/` or `\\` (%2f, %5c)',
  backslash: 'a backslash',
  control_character: 'a control character (NUL, CR, LF...)',
  malformed_encoding: 'percent-encoding that does not decode',
};

/** The path could leave `/api/<segment>/` upstream (see edge-path.ts); it is never forwarded. */
export class InvalidPathError extends PlatformError {
  readonly code = 'invalid_path';
  readonly kind = 'invalid';

  constructor(readonly problem: EdgePathProblem) {
    super(`the request path contains ${PROBLEM_TEXT[problem]}; the gateway does not forward it`, {
      details: { problem },
    });
  }
}

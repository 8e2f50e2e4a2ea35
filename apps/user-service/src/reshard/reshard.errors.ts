import { PlatformError } from '@platform/service-kit';

export class ReshardConflictError extends PlatformError {
  readonly code = 'reshard_running';
  readonly kind = 'conflict';

  constructor(jobId: string) {
    super(`reshard job ${jobId} is still running; one job at a time`);
  }
}

export class InvalidReshardError extends PlatformError {
  readonly code = 'invalid_reshard';
  readonly kind = 'invalid';

  constructor(problem: string) {
    super(`cannot reshard: ${problem}`);
  }
}

export class ReshardJobNotFoundError extends PlatformError {
  readonly code = 'reshard_job_not_found';
  readonly kind = 'not_found';

  constructor(id: string) {
    super(`no reshard job has id ${id}`);
  }
}

import { describe, expect, it } from '@jest/globals';

import { DatabaseUnavailableError } from '@platform/postgres';

import { WorkerLeaseLostError } from './lease.errors.js';

describe(WorkerLeaseLostError.name, () => {
  it('names the database as the origin when renewals failed because it could not be reached', () => {
    const error = new WorkerLeaseLostError(new DatabaseUnavailableError());
    expect(error).toMatchObject({ code: 'worker_lease_lost', kind: 'unavailable', origin: 'dependency' });
    expect(new WorkerLeaseLostError(new Error('Query read timeout')).origin).toBe('dependency');
  });

  it('is the instance’s own failure when the lease was lost otherwise (taken over after a stall)', () => {
    expect(new WorkerLeaseLostError().origin).toBeUndefined();
    expect(new WorkerLeaseLostError(new Error('all worker ids taken')).origin).toBeUndefined();
  });
});

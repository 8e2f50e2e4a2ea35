import { expect } from '@jest/globals';

import type { ErrorBody } from '@platform/service-kit';
import { eventually, requestJson } from '@platform/testing';

import type { UserJson } from '../src/users/user.js';

/**
 * `POST /users` on the instance at `url`, tried again until it answers 201: right after a start the
 * instance may not have found id-service in the registry yet (503 no_instances).
 */
export function createUser(url: string, email: string, name: string): Promise<UserJson> {
  return eventually(
    async () => {
      const response = await requestJson<UserJson & ErrorBody>(`${url}/users`, {
        method: 'POST',
        json: { email, name },
      });
      expect(response.status).toBe(201);
      return response.body;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
}

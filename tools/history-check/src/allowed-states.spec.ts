import { describe, expect, it } from '@jest/globals';

import { allowedStates } from './allowed-states.js';
import type { Outcome, RecordedOperation, UserOperation } from './user-history.js';

let clock = 0;
const op = (operation: UserOperation, outcome: Outcome = 'ok'): RecordedOperation => ({
  client: 0,
  user: 'u1',
  operation,
  outcome,
  id: '1',
  status: outcome === 'ok' ? 200 : outcome === 'failed' ? 409 : 503,
  startedAt: clock++,
  endedAt: clock++,
});
const create = op({ kind: 'create', fields: { email: 'a@x', name: 'A' } });

describe(allowedStates.name, () => {
  it('allows only the result of the last acknowledged write when every outcome is known', () => {
    expect(
      allowedStates([create, op({ kind: 'update', name: 'B' }), op({ kind: 'update', email: 'b@x' })]),
    ).toEqual([{ email: 'b@x', name: 'B' }]);
  });

  it('ignores a refused write', () => {
    expect(allowedStates([create, op({ kind: 'update', email: 'taken@x' }, 'failed')])).toEqual([
      { email: 'a@x', name: 'A' },
    ]);
  });

  it('keeps both the before and the after of a write whose outcome is unknown', () => {
    expect(allowedStates([create, op({ kind: 'update', name: 'B' }, 'unknown')])).toEqual([
      { email: 'a@x', name: 'A' },
      { email: 'a@x', name: 'B' },
    ]);
  });

  it('applies a later acknowledged write on top of every state an unknown one left possible', () => {
    expect(
      allowedStates([
        create,
        op({ kind: 'update', email: 'b@x' }, 'unknown'),
        op({ kind: 'update', name: 'C' }),
      ]),
    ).toEqual([
      { email: 'a@x', name: 'C' },
      { email: 'b@x', name: 'C' },
    ]);
  });

  it('allows nothing stored after an acknowledged delete, and either after an unknown one', () => {
    expect(allowedStates([create, op({ kind: 'delete' })])).toEqual([null]);
    expect(allowedStates([create, op({ kind: 'delete' }, 'unknown')])).toEqual([
      { email: 'a@x', name: 'A' },
      null,
    ]);
  });
});

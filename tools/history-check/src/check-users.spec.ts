import { describe, expect, it } from '@jest/globals';

import { checkUsers, type StoredRow } from './check-users.js';
import type { Outcome, RecordedOperation, UserOperation } from './user-history.js';

const op = (
  user: string,
  operation: UserOperation,
  outcome: Outcome = 'ok',
  id?: string,
): RecordedOperation => ({
  client: 0,
  user,
  operation,
  outcome,
  ...(id === undefined ? {} : { id }),
  status: outcome === 'ok' ? 200 : 503,
  startedAt: 0,
  endedAt: 0,
});
const row = (id: string, email: string, name: string, database = 'users_0'): StoredRow => ({
  id,
  email,
  name,
  database,
});
const owns = (email: string) => email.endsWith('@run');

const history = [
  op('u1', { kind: 'create', fields: { email: 'one@run', name: 'One' } }, 'ok', '1'),
  op('u1', { kind: 'update', name: 'Uno' }),
  op('u2', { kind: 'create', fields: { email: 'two@run', name: 'Two' } }, 'ok', '2'),
  op('u2', { kind: 'delete' }),
  op('u3', { kind: 'create', fields: { email: 'three@run', name: 'Three' } }, 'unknown'),
];

describe(checkUsers.name, () => {
  it('finds nothing wrong when the rows and the index are what the history allows', () => {
    const stored = {
      rows: [row('1', 'one@run', 'Uno'), row('3', 'three@run', 'Three'), row('9', 'other@elsewhere', 'X')],
      lookup: new Map([
        ['one@run', '1'],
        ['three@run', '3'],
        ['other@elsewhere', '42'],
      ]),
    };
    expect(checkUsers(history, stored, owns)).toEqual([]);
  });

  it('reports an acknowledged update that is not there, a deleted user back, a user in two shards', () => {
    const stored = {
      rows: [
        row('1', 'one@run', 'One'),
        row('2', 'two@run', 'Two', 'users_0'),
        row('2', 'two@run', 'Two', 'users_4'),
      ],
      lookup: new Map([
        ['one@run', '1'],
        ['two@run', '2'],
      ]),
    };
    const kinds = checkUsers(history, stored, owns).map((anomaly) => anomaly.kind);
    expect(kinds.sort()).toEqual(['lost-write', 'lost-write', 'stored-twice']);
  });

  it('tells apart two clients’ users of the same name', () => {
    const two = [
      op('u1', { kind: 'create', fields: { email: 'a@run', name: 'A' } }, 'ok', '1'),
      { ...op('u1', { kind: 'create', fields: { email: 'b@run', name: 'B' } }, 'ok', '2'), client: 1 },
    ];
    const stored = {
      rows: [row('1', 'a@run', 'A'), row('2', 'b@run', 'B')],
      lookup: new Map([
        ['a@run', '1'],
        ['b@run', '2'],
      ]),
    };
    expect(checkUsers(two, stored, owns)).toEqual([]);
  });

  it('reports a user nobody created and an index entry without its row', () => {
    const stored = {
      rows: [row('1', 'one@run', 'Uno'), row('7', 'seven@run', 'Seven')],
      lookup: new Map([
        ['one@run', '1'],
        ['seven@run', '7'],
        ['two@run', '2'],
      ]),
    };
    const found = checkUsers(history, stored, owns);
    expect(found.map((anomaly) => anomaly.kind).sort()).toEqual(['index-mismatch', 'phantom-user']);
    expect(found.find((a) => a.kind === 'index-mismatch')?.detail).toContain('two@run');
  });
});

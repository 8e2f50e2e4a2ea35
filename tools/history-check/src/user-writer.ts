import { send, type Exchange } from '@platform/chaos';

import { between } from './seeded-random.js';
import { outcomeOf, type RecordedOperation, type UserOperation } from './user-history.js';

export interface UserWriterOptions {
  readonly gatewayUrl: string;
  readonly client: number;
  /** Marks this run's emails, so the checker judges only them. */
  readonly tag: string;
  readonly random: () => number;
  /** The writer stops once this says so. */
  readonly done: () => boolean;
  readonly record: (operation: RecordedOperation) => void;
}

/** How many users a writer keeps at most; it creates until it has a few, then mostly changes them. */
const MAX_USERS = 12;

/**
 * One client of the history check: creates, renames, changes the email of and deletes its own users
 * through the gateway, one request at a time, and records each with what it learnt of its outcome.
 * An email change is a two-phase write (the row on its shard, the lookup index in the catalog), so
 * it is the most frequent operation.
 */
export async function runUserWriter(options: UserWriterOptions): Promise<void> {
  const { gatewayUrl, client, tag, random, record } = options;
  const users: { name: string; id: string }[] = [];
  let created = 0;
  let changes = 0;
  const email = (user: string) => `${tag}-c${client}-${user}-${changes++}@history.test`;

  const request = async (
    user: string,
    operation: UserOperation,
    call: () => Promise<Exchange>,
  ): Promise<RecordedOperation> => {
    const startedAt = Date.now();
    const answer = await call();
    const id =
      operation.kind === 'create' && answer.status === 201
        ? (JSON.parse(answer.text) as { id: string }).id
        : undefined;
    const recorded: RecordedOperation = {
      client,
      user,
      operation,
      outcome: outcomeOf(answer.status),
      ...(id === undefined ? {} : { id }),
      status: answer.status,
      startedAt,
      endedAt: Date.now(),
    };
    record(recorded);
    return recorded;
  };

  while (!options.done()) {
    const roll = random();
    if (users.length < 3 || (roll < 0.2 && users.length < MAX_USERS)) {
      const user = `u${created++}`;
      const fields = { email: email(user), name: `${user} v0` };
      const result = await request(user, { kind: 'create', fields }, () =>
        send('POST', `${gatewayUrl}/api/users`, { body: fields }),
      );
      if (result.id !== undefined) users.push({ name: user, id: result.id });
      continue;
    }
    const target = users[between(random, 0, users.length - 1)]!;
    const url = `${gatewayUrl}/api/users/${target.id}`;
    if (roll < 0.55) {
      const change = { email: email(target.name) };
      await request(target.name, { kind: 'update', ...change }, () => send('PATCH', url, { body: change }));
    } else if (roll < 0.9) {
      const change = { name: `${target.name} v${changes++}` };
      await request(target.name, { kind: 'update', ...change }, () => send('PATCH', url, { body: change }));
    } else {
      await request(target.name, { kind: 'delete' }, () => send('DELETE', url));
      users.splice(users.indexOf(target), 1);
    }
  }
}

import type { PlatformTarget } from '@platform/chaos';

import { checkUsers, type Anomaly } from './check-users.js';
import { ReshardJob, type ReshardJobView } from './reshard-job.js';
import { between, seededRandom } from './seeded-random.js';
import { readStoredUsers, withClient } from './stored-users.js';
import type { Outcome, RecordedOperation } from './user-history.js';
import { runUserWriter } from './user-writer.js';

export interface HistoryRunOptions {
  readonly target: PlatformTarget;
  readonly seed: number;
  readonly writers: number;
  /** How long the writers write; the faults happen within it. */
  readonly durationMs: number;
  /** Whether Kafka is stopped and started again while they write. */
  readonly kafkaRestart: boolean;
  readonly say: (message: string) => void;
}

export interface HistoryRunResult {
  readonly seed: number;
  readonly operations: Readonly<Record<Outcome, number>>;
  readonly faults: readonly string[];
  readonly job: ReshardJobView;
  readonly anomalies: readonly Anomaly[];
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One seed of the history check: `writers` clients create, change and delete users through the
 * gateway while a reshard moves logical shards off users_0, the instance running it is SIGKILLed
 * inside a copy or inside a fence (the seed picks which, and when), and Kafka is stopped and started
 * again; then the databases are read and compared with what the clients were told (check-users.ts).
 */
export async function runHistory(options: HistoryRunOptions): Promise<HistoryRunResult> {
  const { target, seed, say } = options;
  const started = Date.now();
  const random = seededRandom(seed);
  const tag = `h${seed.toString(36)}x${started.toString(36)}`;
  const history: RecordedOperation[] = [];
  const faults: string[] = [];
  let writing = true;
  const writers = Array.from({ length: options.writers }, (_, client) =>
    runUserWriter({
      gatewayUrl: target.gatewayUrl,
      client,
      tag,
      random: seededRandom(seed * 1_000 + client + 1),
      done: () => !writing,
      record: (operation) => history.push(operation),
    }),
  );

  await sleep(between(random, 1_000, 3_000));
  const limit = between(random, 8, 32);
  const job = await ReshardJob.start(target.gatewayUrl, target.auth, {
    source: 'users_0',
    target: 'users_4',
    limit,
  });
  faults.push(`reshard ${job.id}: ${limit} logical shards users_0 → users_4`);

  const step = random() < 0.5 ? 'copying' : 'cutover';
  const during = await job.whenAMoveIs(step, 60_000);
  const victim =
    during?.state === 'running' && during.owner
      ? target.instances('user-service').find((i) => i.instanceId === during.owner)
      : undefined;
  if (victim) {
    process.kill(victim.pid, 'SIGKILL');
    faults.push(
      `SIGKILL of ${victim.instanceId}, the job's owner, with a move ${step === 'copying' ? 'copying' : 'in its fence'}`,
    );
    say(`  ${faults.at(-1)}`);
    await sleep(between(random, 1_000, 4_000));
    const { started: replacement } = await target.control.restartInstance(victim.instanceId);
    faults.push(`${victim.instanceId} replaced by ${replacement.instanceId}`);
  } else faults.push(`no move was ${step} when looked for: nothing killed`);

  if (options.kafkaRestart) {
    await target.control.stopInfrastructure('kafka');
    await sleep(between(random, 2_000, 6_000));
    await target.control.startInfrastructure('kafka');
    faults.push('Kafka stopped and started again');
    say(`  ${faults.at(-1)}`);
  }

  const finished = await job.finished(180_000);
  const left = options.durationMs - (Date.now() - started);
  if (left > 0) await sleep(left);
  writing = false;
  await Promise.all(writers);
  await settled(target);

  const servers = target.state().infrastructure.postgres.map((server) => server.url);
  const stored = await readStoredUsers(servers);
  const anomalies = checkUsers(history, stored, (email) => email.startsWith(`${tag}-`));
  const operations = { ok: 0, failed: 0, unknown: 0 };
  for (const operation of history) operations[operation.outcome] += 1;
  return { seed, operations, faults, job: finished, anomalies, seconds: (Date.now() - started) / 1000 };
}

/**
 * Waits until no two-phase write is left prepared on any server: a writer killed between prepare and
 * commit leaves one for in-doubt recovery to settle, and until then its row is neither there nor gone.
 */
async function settled(target: PlatformTarget): Promise<void> {
  const until = Date.now() + 60_000;
  for (const server of target.state().infrastructure.postgres) {
    await withClient(server.url, async (client) => {
      while (Date.now() < until) {
        const { rows } = await client.query<{ n: string }>(
          'SELECT count(*)::text AS n FROM pg_prepared_xacts',
        );
        if (rows[0]?.n === '0') return;
        await sleep(500);
      }
    });
  }
}

import { EventEmitter } from 'node:events';

import type { Logger } from '@platform/observability';
import type { Pool, PoolClient } from '@platform/postgres';

import { parseChangePayload, type FlagChange } from './flag-change.js';
import { FLAG_EVENTS_CHANNEL } from './flags.repository.js';
import { within } from './within.js';

export interface FlagChangeListenerEvents {
  /** PostgreSQL notified a committed change (this instance's own ones too). */
  change: [change: FlagChange];
  /**
   * Changes may have been missed — a new listening connection (notifications sent while nobody
   * listened are lost), or a notification that does not say what changed: check everything held.
   */
  resync: [];
}

export interface FlagChangeListenerOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /**
   * How often the listening connection must answer `SELECT 1`, and how long it has to: one that does
   * not (a frozen server, a silent network) is replaced. Also how often a lost one is retried.
   */
  readonly heartbeatMs?: number;
}

/**
 * Hears every committed change to a flag or a segment, from any instance, through PostgreSQL's
 * `LISTEN flag_events` on a connection of its own. A connection that errors or misses a heartbeat is
 * dropped; the next heartbeat opens another, and each new connection emits `resync`. So a change
 * reaches every instance within milliseconds of its commit while the connection is sound, and a
 * missed notification costs at most about one heartbeat before everything held is checked again.
 */
export class FlagChangeListener extends EventEmitter<FlagChangeListenerEvents> {
  private client: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private failing = false;
  private stopped = false;
  private readonly heartbeatMs: number;

  constructor(private readonly options: FlagChangeListenerOptions) {
    super();
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
  }

  /** Listens (a first attempt, awaited), then checks the connection every heartbeat. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.check(), this.heartbeatMs);
    this.timer.unref();
    await this.connect().catch((error: unknown) => this.failed(error));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.client) this.drop(this.client, true);
  }

  /** One heartbeat: reconnect if there is no connection, else make sure the one there answers. */
  private async check(): Promise<void> {
    if (this.stopped || this.checking) return;
    this.checking = true;
    const client = this.client;
    try {
      if (!client) await this.connect();
      else await within(client.query('SELECT 1'), this.heartbeatMs, 'the flag changes heartbeat');
    } catch (error) {
      this.failed(error);
      if (client && this.client === client) this.drop(client, error as Error);
    } finally {
      this.checking = false;
    }
  }

  private async connect(): Promise<void> {
    const client = await this.options.pool.connect();
    client.on('notification', this.notified);
    client.on('error', (error) => {
      this.failed(error);
      if (this.client === client) this.drop(client, error);
    });
    try {
      await within(client.query(`LISTEN ${FLAG_EVENTS_CHANNEL}`), this.heartbeatMs, 'LISTEN');
    } catch (error) {
      this.drop(client, error as Error);
      throw error;
    }
    if (this.stopped) {
      this.drop(client, true);
      return;
    }
    this.client = client;
    if (this.failing) this.options.logger.info('hearing flag changes again; checking every flag held');
    this.failing = false;
    this.emit('resync');
  }

  private readonly notified = (message: { channel: string; payload?: string }): void => {
    if (message.channel !== FLAG_EVENTS_CHANNEL) return;
    const change = parseChangePayload(message.payload);
    if (change) this.emit('change', change);
    else this.emit('resync');
  };

  private failed(error: unknown): void {
    if (this.stopped) return;
    if (!this.failing) {
      this.options.logger.warn(
        { err: error },
        'cannot hear flag changes; answering from the flags held until the connection is back',
      );
    }
    this.failing = true;
  }

  /** Takes the connection out of use and closes it (never back to the pool: it is still listening). */
  private drop(client: PoolClient, reason: Error | true): void {
    if (this.client === client) this.client = undefined;
    client.removeListener('notification', this.notified);
    client.release(reason);
  }
}

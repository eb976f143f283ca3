import pg from 'pg';
import type { Log } from './log.ts';

export interface ListenOptions {
  pool: pg.Pool;
  channel: string;
  log: Log;
  onNotify: () => void;
  /** Logged when a held LISTEN connection drops. */
  lostMessage: string;
  /** Logged when connecting or LISTEN fails. */
  failedMessage: string;
  /** The owner's running flag: no reconnect once it is false. */
  isRunning: () => boolean;
  retryMs?: number;
}

/**
 * LISTEN on a connection of its own, outside the pool (a pooled connection
 * would be handed to other queries), held for the owner's life. When it is
 * lost or cannot be opened it is retried every second while the owner runs;
 * the owner polls meanwhile, so a missing listener only delays work.
 */
export class PgListener {
  readonly #options: ListenOptions;
  #client: pg.Client | undefined;

  constructor(options: ListenOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { pool, channel, log, onNotify, lostMessage, failedMessage } = this.#options;
    const client = new pg.Client(pool.options);
    client.on('notification', onNotify);
    client.on('error', (error) => {
      log.warn({ err: error }, lostMessage);
      this.#client = undefined;
      this.#retry();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      this.#client = client;
    } catch (error) {
      log.warn({ err: error }, failedMessage);
      await client.end().catch(() => undefined);
      this.#retry();
    }
  }

  async stop(): Promise<void> {
    await this.#client?.end().catch(() => undefined);
  }

  #retry(): void {
    if (this.#options.isRunning()) {
      setTimeout(() => void this.start().catch(() => undefined), this.#options.retryMs ?? 1_000).unref();
    }
  }
}

/** The timers a loop waits with: the real ones, or a test's. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The idle wait of a loop that a NOTIFY wakes: `sleep` lasts up to `ms`
 * and ends early on `wake`. A wake-up while the loop is busy is kept for its
 * next sleep (a commit during a round must not wait for the poll). A sleep
 * that is not wakeable (a backoff during an outage) ignores wake-ups but
 * keeps them. `interrupt` (stopping) ends the sleep in hand and every later
 * one: make a new instance for each start.
 */
export class WakeableSleep {
  readonly #timers: Timers;
  #pending = false;
  #interrupted = false;
  #wakeable = true;
  #end: (() => void) | undefined;

  constructor(timers: Timers = realTimers) {
    this.#timers = timers;
  }

  sleep(ms: number, wakeable = true): Promise<void> {
    if (this.#interrupted) return Promise.resolve();
    if (wakeable && this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const end = () => {
        this.#timers.clearTimeout(timer);
        // Only while sleeping: a wake-up during a round must be kept, not call a finished sleep's resolver.
        this.#end = undefined;
        resolve();
      };
      const timer = this.#timers.setTimeout(end, ms);
      this.#end = end;
      this.#wakeable = wakeable;
    });
  }

  wake = (): void => {
    if (this.#end && this.#wakeable) this.#end();
    else this.#pending = true;
  };

  interrupt(): void {
    this.#interrupted = true;
    this.#end?.();
  }
}

/** How long a NOTIFY-driven loop waits after its `failures`-th failed round in a row: 400 ms doubling, at most 10 s. */
export const failureBackoffMs = (failures: number): number => Math.min(200 * 2 ** failures, 10_000);

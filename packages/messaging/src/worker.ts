import type pg from 'pg';
import { failureBackoffMs, PgListener, realTimers, type Timers, WakeableSleep } from './listen.ts';
import type { Log } from './log.ts';

/**
 * What a tick says about the work left: `true` when more is waiting (tick
 * again at once), a number of milliseconds to wait before the next tick, or
 * nothing (`false`/`undefined`) for the worker's usual idle wait.
 */
export type TickResult = boolean | number | undefined;

export interface WorkerOptions {
  /** Names the loop in its logs. */
  name: string;
  log: Log;
  tick: () => Promise<TickResult>;
  /** The idle wait between ticks when a tick names none. */
  idleMs: number;
  /** Tick at once on start (the default), or only after the first idle wait. */
  tickOnStart?: boolean;
  /** The wait after the `failures`-th failed tick in a row. */
  backoffMs?: (failures: number) => number;
  /**
   * Whether a wake-up cuts a failure backoff short. Off where every commit
   * would otherwise trigger another doomed attempt during an outage.
   */
  wakeDuringBackoff?: boolean;
  failureLevel?: 'warn' | 'error';
  /** A NOTIFY on this channel wakes the idle wait; the poll covers a lost LISTEN connection. */
  listen?: { pool: pg.Pool; channel: string; lostMessage: string; failedMessage: string };
  timers?: Timers;
}

/**
 * What a log may say about a failure: its class and codes. Error messages
 * can quote the values of a row (a unique key, an invalid input), which may
 * be personal data.
 */
export function failureForLog(error: unknown): { errorClass: string; code?: string; sqlState?: string } {
  const fields = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  const code = fields?.code;
  const sqlState = fields?.meta?.driverAdapterError?.cause?.originalCode;
  return {
    errorClass: error instanceof Error ? error.name : typeof error,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof sqlState === 'string' ? { sqlState } : {}),
  };
}

/**
 * The one shell every background loop runs in: start (idempotent), the
 * loop of ticks with an idle wait a NOTIFY or `wake` may cut short, a
 * backoff after failed ticks, and a stop that lets the tick in hand finish
 * and runs no tick after it.
 */
export class Worker {
  readonly #options: WorkerOptions;
  readonly #log: Log;
  #running = false;
  #loop: Promise<void> | undefined;
  #sleep: WakeableSleep;
  #listener: PgListener | undefined;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#sleep = new WakeableSleep(options.timers ?? realTimers);
  }

  /** True from start until stop is called: a long tick checks it to hand its work back early. */
  get running(): boolean {
    return this.#running;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    // Interrupted by the last stop: each start needs a fresh one.
    const sleep = new WakeableSleep(this.#options.timers ?? realTimers);
    this.#sleep = sleep;
    // Started again while the last stop waits for its tick: ticks never overlap.
    await this.#loop;
    if (this.#sleep !== sleep || !this.#running) return;
    const { listen } = this.#options;
    if (listen) {
      const listener = new PgListener({
        ...listen,
        log: this.#log,
        onNotify: () => sleep.wake(),
        isRunning: () => this.#running && this.#sleep === sleep,
      });
      this.#listener = listener;
      await listener.start();
      // Stopped (or stopped and started again) while connecting: this start is over.
      if (this.#sleep !== sleep || !this.#running) {
        await listener.stop();
        return;
      }
    }
    this.#loop = this.#run(sleep);
  }

  /** Work may be waiting: end the idle wait now rather than at the next poll. */
  wake(): void {
    this.#sleep.wake();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#sleep.interrupt();
    const listener = this.#listener;
    this.#listener = undefined;
    await this.#loop;
    await listener?.stop();
  }

  async #run(sleep: WakeableSleep): Promise<void> {
    const { idleMs, backoffMs = failureBackoffMs } = this.#options;
    let failures = 0;
    if (this.#options.tickOnStart === false) await sleep.sleep(idleMs);
    // A loop ends with its start: a stop, or a later start's own loop, replaces it.
    while (this.#running && this.#sleep === sleep) {
      try {
        const result = await this.#options.tick();
        failures = 0;
        if (result === true) continue;
        await sleep.sleep(typeof result === 'number' ? result : idleMs);
      } catch (error) {
        failures += 1;
        const delay = backoffMs(failures);
        const level = this.#options.failureLevel ?? 'warn';
        // Class and codes only: a message may quote personal data.
        this.#log[level](
          { failure: failureForLog(error), failures, retryInMs: delay },
          `${this.#options.name} failed; retrying`,
        );
        await sleep.sleep(delay, this.#options.wakeDuringBackoff ?? true);
      }
    }
  }
}

/**
 * A job that runs a full pass now and then every `intervalMs` (a failed
 * pass waits for the next interval too); none at all for 0, where tests
 * call the pass themselves.
 */
export function periodicWorker(
  name: string,
  log: Log,
  intervalMs: number,
  pass: () => Promise<unknown>,
  options: Pick<WorkerOptions, 'tickOnStart' | 'failureLevel'> = {},
): Worker | undefined {
  if (intervalMs <= 0) return undefined;
  return new Worker({
    name,
    log,
    idleMs: intervalMs,
    backoffMs: () => intervalMs,
    failureLevel: 'error',
    ...options,
    tick: async () => {
      await pass();
      return false;
    },
  });
}

import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { producerOptions } from './kafka.ts';
import { failureBackoffMs, PgListener, WakeableSleep } from './listen.ts';
import type { Log } from './log.ts';
import { contextFromHeaders, SpanKind, type StartedSpan, startSpan, traceHeadersOf } from './tracing.ts';

export interface RelayOptions {
  pool: pg.Pool;
  kafka: Kafka;
  logger: Log;
  /** Rows per publish round. */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (a lost LISTEN connection, a missed wake-up). */
  pollIntervalMs?: number;
  /** How long sent rows stay for inspection before the cleanup deletes them. */
  keepSentForMs?: number;
  cleanupIntervalMs?: number;
}

interface OutboxRow {
  position: string;
  message_key: string;
  topic: string;
  headers: Record<string, string>;
  payload: unknown;
}

const NOTIFY_CHANNEL = 'outbox';
// Namespaces the advisory locks of the relay from any other advisory lock user.
const KEY_LOCK_NAMESPACE = 7361;

/**
 * Publishes the service's outbox to Kafka in commit order per key.
 *
 * Several relays may run (one per service instance). Each round locks a batch
 * of unsent rows with SKIP LOCKED, and publishes a key's rows only when it
 * holds that key's earliest unsent row and an advisory lock on the key: so
 * two relays never interleave one aggregate's events, and a relay that
 * cannot take a key leaves it for the next round.
 *
 * Delivery is at least once: a crash between the broker's ack and the commit
 * of `sent_at` publishes those rows again, and consumers drop the duplicates
 * by event id (the inbox).
 */
export class OutboxRelay {
  readonly #options: Required<Omit<RelayOptions, 'pool' | 'kafka' | 'logger'>> & RelayOptions;
  readonly #log: Log;
  #producer: Producer | undefined;
  #listener: PgListener | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #sleep = new WakeableSleep();
  #cleanupTimer: NodeJS.Timeout | undefined;
  #published = 0;
  #publishedListeners: ((count: number) => void)[] = [];

  constructor(options: RelayOptions) {
    this.#options = {
      batchSize: 500,
      pollIntervalMs: 1_000,
      keepSentForMs: 24 * 60 * 60 * 1000,
      cleanupIntervalMs: 10 * 60 * 1000,
      ...options,
    };
    this.#log = options.logger.child({ component: 'outbox-relay' });
  }

  /** Events published since start; for metrics and tests. */
  get published(): number {
    return this.#published;
  }

  /** Called with the count of every batch once it is published and marked sent. */
  onPublished(listener: (count: number) => void): void {
    this.#publishedListeners.push(listener);
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#sleep = new WakeableSleep();
    this.#producer = this.#options.kafka.producer({
      ...producerOptions,
      // Idempotence with one request in flight keeps per-partition order through broker retries.
      idempotent: true,
      maxInFlightRequests: 1,
    });
    // LISTEN needs a connection of its own, outside the pool, held for the relay's life.
    this.#listener = new PgListener({
      pool: this.#options.pool,
      channel: NOTIFY_CHANNEL,
      log: this.#log,
      onNotify: () => this.#sleep.wake(),
      lostMessage: 'outbox LISTEN connection lost; polling until it is back',
      failedMessage: 'cannot LISTEN for outbox notifications; polling',
      isRunning: () => this.#running,
    });
    await this.#listener.start();
    this.#cleanupTimer = setInterval(() => void this.#cleanup(), this.#options.cleanupIntervalMs);
    this.#cleanupTimer.unref();
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    clearInterval(this.#cleanupTimer);
    this.#sleep.interrupt();
    await this.#loop;
    await this.#listener?.stop();
    await this.#producer?.disconnect();
  }

  async #run(): Promise<void> {
    let failures = 0;
    let connected = false;
    while (this.#running) {
      try {
        // Connecting inside the loop lets the service boot while the broker
        // is down; rows wait in the outbox until it is back.
        if (!connected) {
          await this.#producer?.connect();
          connected = true;
        }
        const count = await this.#publishBatch();
        failures = 0;
        if (count >= this.#options.batchSize) continue;
        await this.#sleep.sleep(this.#options.pollIntervalMs);
      } catch (error) {
        failures += 1;
        const delay = failureBackoffMs(failures);
        this.#log.warn({ err: error, failures, retryInMs: delay }, 'outbox publish failed, retrying');
        // New commits must not cut the backoff short: during a broker outage
        // every insert would otherwise trigger another doomed attempt.
        await this.#sleep.sleep(delay, false);
      }
    }
  }

  async #publishBatch(): Promise<number> {
    const producer = this.#producer;
    if (!producer) throw new Error('relay not started');
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT position, message_key, topic, headers, payload
           FROM outbox
          WHERE sent_at IS NULL
          ORDER BY position
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.#options.batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const firstPositionByKey = new Map<string, string>();
      for (const row of rows)
        if (!firstPositionByKey.has(row.message_key)) firstPositionByKey.set(row.message_key, row.position);
      const { rows: owned } = await client.query<{ key: string }>(
        `SELECT k.key
           FROM unnest($1::text[], $2::bigint[]) AS k(key, first_position)
          WHERE NOT EXISTS (
                  SELECT 1 FROM outbox o
                   WHERE o.message_key = k.key AND o.sent_at IS NULL AND o.position < k.first_position)
            AND pg_try_advisory_xact_lock($3, hashtext(k.key))`,
        [[...firstPositionByKey.keys()], [...firstPositionByKey.values()], KEY_LOCK_NAMESPACE],
      );
      const ownedKeys = new Set(owned.map((row) => row.key));
      const publishable = rows.filter((row) => ownedKeys.has(row.message_key));
      if (publishable.length > 0) {
        // Each event's publish span is a child of the request (or handler) that
        // committed it, and the message carries the publish span onwards.
        const spans = publishable.map((row) =>
          startSpan(`${row.topic} publish`, SpanKind.PRODUCER, contextFromHeaders(row.headers), {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': row.topic,
            'messaging.message.id': row.headers.ce_id ?? '',
          }),
        );
        try {
          await producer.sendBatch({
            topicMessages: groupByTopic(
              publishable.map((row, index) => ({
                ...row,
                headers: { ...row.headers, ...traceHeadersOf((spans[index] as StartedSpan).context) },
              })),
            ),
            acks: -1,
          });
        } catch (error) {
          for (const span of spans) span.end(error);
          throw error;
        }
        for (const span of spans) span.end();
        await client.query('UPDATE outbox SET sent_at = now() WHERE position = ANY($1::bigint[])', [
          publishable.map((row) => row.position),
        ]);
      }
      await client.query('COMMIT');
      this.#published += publishable.length;
      for (const listener of this.#publishedListeners) listener(publishable.length);
      return publishable.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #cleanup(): Promise<void> {
    try {
      const result = await this.#options.pool.query(
        `DELETE FROM outbox WHERE position IN (
           SELECT position FROM outbox
            WHERE sent_at < now() - make_interval(secs => $1)
            LIMIT 10000)`,
        [this.#options.keepSentForMs / 1000],
      );
      if (result.rowCount) this.#log.debug({ deleted: result.rowCount }, 'outbox cleanup');
    } catch (error) {
      this.#log.warn({ err: error }, 'outbox cleanup failed; will try again');
    }
  }
}

function groupByTopic(rows: OutboxRow[]) {
  const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.message_key, value: JSON.stringify(row.payload), headers: row.headers });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { producerOptions } from './kafka.ts';
import type { Log } from './log.ts';
import { contextFromHeaders, SpanKind, type StartedSpan, startSpan, traceHeadersOf } from './tracing.ts';
import { periodicWorker, Worker } from './worker.ts';

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

/**
 * Rows of a topic's bulk lane (`signals.bulk.v1`, `routing.decisions.bulk.v1`:
 * every lane topic carries `.bulk.` in its name, see bulkLane in contracts).
 * A literal, the same as in each service's `outbox_unsent_main_idx`, so the
 * planner reads the main rows from that partial index instead of walking
 * past a file's 100,000 unsent bulk rows.
 */
const MAIN_LANE_UNSENT = `sent_at IS NULL AND topic NOT LIKE '%.bulk.%'`;
const CLAIMED_COLUMNS = 'position, message_key, topic, headers, payload';
// Namespaces the advisory locks of the relay from any other advisory lock user.
const KEY_LOCK_NAMESPACE = 7361;

/**
 * Publishes the service's outbox to Kafka in commit order per key.
 *
 * Several relays may run (one per service instance). Each round locks a batch
 * of unsent rows with SKIP LOCKED, and publishes a key's rows only when it
 * holds that key's earliest unsent row and an advisory lock on the key, and
 * only up to the first unsent row of the key it does not hold: SKIP LOCKED
 * leaves holes where another relay holds rows (that relay began its round
 * while ours were still locked by someone else), and publishing past a hole
 * would put a later event before an earlier one. So two relays never
 * interleave one aggregate's events, and what a relay cannot take waits for
 * its next round.
 *
 * Delivery is at least once: a crash between the broker's ack and the commit
 * of `sent_at` publishes those rows again, and consumers drop the duplicates
 * by event id (the inbox).
 */
export class OutboxRelay {
  readonly #options: Required<Omit<RelayOptions, 'pool' | 'kafka' | 'logger'>> & RelayOptions;
  readonly #log: Log;
  #producer: Producer | undefined;
  readonly #worker: Worker;
  readonly #cleanup: Worker | undefined;
  #connected = false;
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
    this.#worker = new Worker({
      name: 'outbox publish',
      log: this.#log,
      idleMs: this.#options.pollIntervalMs,
      // New commits must not cut the backoff short: during a broker outage
      // every insert would otherwise trigger another doomed attempt.
      wakeDuringBackoff: false,
      // LISTEN needs a connection of its own, outside the pool, held for the relay's life.
      listen: {
        pool: options.pool,
        channel: NOTIFY_CHANNEL,
        lostMessage: 'outbox LISTEN connection lost; polling until it is back',
        failedMessage: 'cannot LISTEN for outbox notifications; polling',
      },
      tick: () => this.#round(),
    });
    this.#cleanup = periodicWorker(
      'outbox cleanup',
      this.#log,
      this.#options.cleanupIntervalMs,
      () => this.#deleteSent(),
      {
        tickOnStart: false,
        failureLevel: 'warn',
      },
    );
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
    if (this.#worker.running) return;
    this.#producer = this.#options.kafka.producer({
      ...producerOptions,
      // Idempotence with one request in flight keeps per-partition order through broker retries.
      idempotent: true,
      maxInFlightRequests: 1,
    });
    this.#connected = false;
    await this.#worker.start();
    await this.#cleanup?.start();
  }

  async stop(): Promise<void> {
    if (!this.#worker.running) return;
    await this.#cleanup?.stop();
    await this.#worker.stop();
    await this.#producer?.disconnect();
  }

  /** One publish round; true when a full batch went, so more is likely waiting. */
  async #round(): Promise<boolean> {
    // Connecting inside the loop lets the service boot while the broker
    // is down; rows wait in the outbox until it is back.
    if (!this.#connected) {
      await this.#producer?.connect();
      this.#connected = true;
    }
    const count = await this.#publishBatch();
    return count >= this.#options.batchSize;
  }

  async #publishBatch(): Promise<number> {
    const producer = this.#producer;
    if (!producer) throw new Error('relay not started');
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
      const rows = await this.#claim(client);
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const firstPositionByKey = new Map<string, string>();
      for (const row of rows)
        if (!firstPositionByKey.has(row.message_key)) firstPositionByKey.set(row.message_key, row.position);
      // Per key: the first unsent row this round does not hold (null: none).
      // A key is ours when that row does not come before our first one; we
      // publish our rows of it that come before that row.
      const { rows: owned } = await client.query<{ key: string; not_ours: string | null }>(
        `SELECT k.key, not_ours.position AS not_ours
           FROM unnest($1::text[], $2::bigint[]) AS k(key, first_position)
           LEFT JOIN LATERAL (
                  SELECT o.position FROM outbox o
                   WHERE o.message_key = k.key AND o.sent_at IS NULL AND o.position <> ALL($4::bigint[])
                   ORDER BY o.position
                   LIMIT 1) not_ours ON true
          WHERE (not_ours.position IS NULL OR not_ours.position > k.first_position)
            AND pg_try_advisory_xact_lock($3, hashtext(k.key))`,
        [
          [...firstPositionByKey.keys()],
          [...firstPositionByKey.values()],
          KEY_LOCK_NAMESPACE,
          rows.map((row) => row.position),
        ],
      );
      const stopAt = new Map(owned.map((row) => [row.key, row.not_ours === null ? null : BigInt(row.not_ours)]));
      const publishable = rows.filter((row) => {
        const until = stopAt.get(row.message_key);
        return until !== undefined && (until === null || BigInt(row.position) < until);
      });
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

  /**
   * A round's rows, in position order: the main topics' unsent rows first
   * (a crisis is not to wait while a file's rows on the bulk lane go out),
   * with the earlier unsent rows of their keys on any topic (a key keeps its
   * order across lanes: a crisis repeating a case's opening follows the
   * file's opening of that case), then the oldest rows of any topic up to
   * the batch size. Each set is locked with SKIP LOCKED; the rows this round
   * holds already come back from the later queries and count once.
   */
  async #claim(client: pg.PoolClient): Promise<OutboxRow[]> {
    const { batchSize } = this.#options;
    const claimed = new Map<string, OutboxRow>();
    const take = (rows: OutboxRow[]) => {
      for (const row of rows) claimed.set(row.position, row);
    };
    const { rows: main } = await client.query<OutboxRow>(
      `SELECT ${CLAIMED_COLUMNS} FROM outbox WHERE ${MAIN_LANE_UNSENT}
        ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    take(main);
    if (main.length > 0) {
      const firstByKey = new Map<string, string>();
      for (const row of main) if (!firstByKey.has(row.message_key)) firstByKey.set(row.message_key, row.position);
      const { rows: before } = await client.query<OutboxRow>(
        `SELECT ${CLAIMED_COLUMNS} FROM outbox o
           JOIN unnest($1::text[], $2::bigint[]) AS k(key, first_position)
             ON o.message_key = k.key AND o.position < k.first_position
          WHERE o.sent_at IS NULL
          ORDER BY o.position FOR UPDATE OF o SKIP LOCKED`,
        [[...firstByKey.keys()], [...firstByKey.values()]],
      );
      take(before);
    }
    if (claimed.size < batchSize) {
      const { rows: oldest } = await client.query<OutboxRow>(
        `SELECT ${CLAIMED_COLUMNS} FROM outbox WHERE sent_at IS NULL
          ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize - claimed.size],
      );
      take(oldest);
    }
    return [...claimed.values()].sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  }

  async #deleteSent(): Promise<void> {
    const result = await this.#options.pool.query(
      `DELETE FROM outbox WHERE position IN (
         SELECT position FROM outbox
          WHERE sent_at < now() - make_interval(secs => $1)
          LIMIT 10000)`,
      [this.#options.keepSentForMs / 1000],
    );
    if (result.rowCount) this.#log.debug({ deleted: result.rowCount }, 'outbox cleanup');
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

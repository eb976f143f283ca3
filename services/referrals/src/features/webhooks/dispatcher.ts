import type { Log } from '@vangnet/messaging/log';
import { periodicWorker, Worker } from '@vangnet/messaging/worker';
import type pg from 'pg';
import type { PrismaClient } from '../../db.ts';
import { afterAttempt, type BackoffPolicy } from './backoff.ts';
import { CLOUDEVENTS_JSON, cloudEventBody } from './cloud-event.ts';
import type { Sender } from './sender.ts';
import { webhookHeaders } from './signature.ts';
import { WEBHOOK_NOTIFY_CHANNEL } from './store.ts';

export interface DispatcherOptions {
  prisma: PrismaClient;
  pool: pg.Pool;
  logger: Log;
  send: Sender;
  backoff: BackoffPolicy;
  /** Longest an attempt may take; a claimed delivery is leased for this plus a margin. */
  timeoutMs: number;
  /** Attempts in flight at once per instance, so one slow receiver does not hold up the others. */
  concurrency?: number;
  /** Fallback poll when no NOTIFY arrives (a lost LISTEN connection). */
  pollIntervalMs?: number;
  /** How long delivered and failed deliveries stay in the delivery log. */
  keepForMs?: number;
  cleanupIntervalMs?: number;
  /** The clock deliveries are scheduled by; tests move it. */
  now?: () => Date;
  random?: () => number;
}

interface ClaimedRow {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  event_source: string;
  event_subject: string | null;
  event_time: string;
  data: unknown;
  attempt_count: number;
  retry_until: Date;
  url: string;
  secret: string;
}

const LEASE_MARGIN_MS = 60_000;

/**
 * Sends pending deliveries. Several instances may run: each claims due rows
 * with SKIP LOCKED and leases them by moving `next_attempt_at` past the
 * attempt's timeout, so no two instances send one delivery at once and a
 * crashed instance's claims come due again when the lease ends. The HTTP
 * call runs outside any transaction. A NOTIFY on every new delivery (and on
 * a redelivery) wakes the loop, so a new referral reaches its team's
 * endpoint within moments; between events it sleeps until the next retry
 * is due.
 */
export class WebhookDispatcher {
  readonly #options: Required<DispatcherOptions>;
  readonly #log: Log;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #worker: Worker;
  readonly #cleanup: Worker | undefined;
  #attemptListeners: ((outcome: string) => void)[] = [];

  constructor(options: DispatcherOptions) {
    this.#options = {
      concurrency: 16,
      pollIntervalMs: 1_000,
      keepForMs: 30 * 24 * 60 * 60 * 1000,
      cleanupIntervalMs: 10 * 60 * 1000,
      now: () => new Date(),
      random: Math.random,
      ...options,
    };
    this.#log = options.logger.child({ component: 'webhook-dispatcher' });
    this.#worker = new Worker({
      name: 'webhook dispatch round',
      log: this.#log,
      idleMs: this.#options.pollIntervalMs,
      // LISTEN needs a connection of its own, outside the pool, held for the dispatcher's life.
      listen: {
        pool: this.#options.pool,
        channel: WEBHOOK_NOTIFY_CHANNEL,
        lostMessage: 'webhook LISTEN connection lost; polling until it is back',
        failedMessage: 'cannot LISTEN for webhook deliveries; polling',
      },
      tick: () => this.#round(),
    });
    this.#cleanup = periodicWorker(
      'webhook delivery cleanup',
      this.#log,
      this.#options.cleanupIntervalMs,
      () => this.#deleteFinished(),
      { tickOnStart: false, failureLevel: 'warn' },
    );
  }

  async start(): Promise<void> {
    if (this.#worker.running) return;
    await this.#worker.start();
    await this.#cleanup?.start();
  }

  /** Observes the outcome of every attempt (metrics). */
  onAttempt(listener: (outcome: string) => void): void {
    this.#attemptListeners.push(listener);
  }

  /** Stops claiming, lets the attempts in flight finish and record their result. */
  async stop(): Promise<void> {
    if (!this.#worker.running) return;
    await this.#cleanup?.stop();
    await this.#worker.stop();
    await Promise.all(this.#inFlight);
  }

  /** Claims what the free slots can take; true when it filled them all, so more may be due. */
  async #round(): Promise<boolean | number> {
    const free = this.#options.concurrency - this.#inFlight.size;
    const claimed = free > 0 ? await this.#claim(free) : [];
    for (const row of claimed) this.#track(this.#attempt(row));
    if (claimed.length > 0 && claimed.length === free) return true;
    // With every slot busy, a finished attempt wakes the loop; otherwise sleep until the next retry is due.
    const slotsLeft = this.#options.concurrency - this.#inFlight.size;
    return slotsLeft > 0 ? await this.#untilNextDue() : this.#options.pollIntervalMs;
  }

  #track(attempt: Promise<void>): void {
    const tracked = attempt
      .catch((error: unknown) => this.#log.error({ err: error }, 'recording a webhook attempt failed'))
      .finally(() => {
        this.#inFlight.delete(tracked);
        // A freed slot or a retry due soon: look again.
        this.#worker.wake();
      });
    this.#inFlight.add(tracked);
  }

  async #claim(limit: number): Promise<(ClaimedRow & { lease: Date })[]> {
    const now = this.#options.now();
    const lease = new Date(now.getTime() + this.#options.timeoutMs + LEASE_MARGIN_MS);
    const { rows } = await this.#options.pool.query<ClaimedRow>(
      `UPDATE webhook_delivery d
          SET next_attempt_at = $2
         FROM webhook_subscription s
        WHERE s.id = d.subscription_id
          AND s.retired_at IS NULL
          AND d.id IN (SELECT id FROM webhook_delivery
                        WHERE status = 'pending' AND next_attempt_at <= $1
                        ORDER BY next_attempt_at
                        LIMIT $3
                        FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.subscription_id, d.event_id, d.event_type, d.event_source, d.event_subject, d.event_time, d.data,
                d.attempt_count, d.retry_until, s.url, s.secret`,
      [now, lease, limit],
    );
    return rows.map((row) => ({ ...row, lease }));
  }

  async #attempt(row: ClaimedRow & { lease: Date }): Promise<void> {
    const body = cloudEventBody({
      eventId: row.event_id,
      eventType: row.event_type,
      eventSource: row.event_source,
      eventSubject: row.event_subject,
      eventTime: row.event_time,
      data: row.data,
    });
    // The receiver compares the timestamp with its own clock: always the wall clock.
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.#options.send({
      url: row.url,
      headers: {
        'content-type': CLOUDEVENTS_JSON,
        ...webhookHeaders({ id: row.id, timestamp, body, secret: row.secret }),
      },
      body,
    });
    for (const listener of this.#attemptListeners) listener(result.outcome);
    const attemptedAt = this.#options.now();
    const attemptCount = row.attempt_count + 1;
    const next = afterAttempt(
      result,
      { attemptCount, retryUntil: new Date(row.retry_until) },
      attemptedAt,
      this.#options.backoff,
      this.#options.random,
    );
    const status = next.status === 'gone' ? 'failed' : next.status;
    await this.#options.prisma.$transaction(async (tx) => {
      if (next.status === 'gone') {
        // The receiver says the endpoint is gone for good: the subscription
        // retires (its owner sees it, and why), and nothing more is sent to
        // it, this delivery and the others waiting included.
        await tx.webhookSubscription.updateMany({
          where: { id: row.subscription_id, retiredAt: null },
          data: { retiredAt: attemptedAt, retiredStatusCode: result.statusCode },
        });
        await tx.webhookDelivery.updateMany({
          where: { subscriptionId: row.subscription_id, status: 'pending', id: { not: row.id } },
          data: { status: 'failed', nextAttemptAt: null },
        });
      }
      // The outcome decides the state only while the lease is still this
      // attempt's: a redelivery asked for meanwhile, or another instance that
      // took over after the lease ran out, is newer and stands.
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: row.id, nextAttemptAt: row.lease },
        data: {
          status,
          attemptCount: { increment: 1 },
          lastAttemptAt: attemptedAt,
          lastStatusCode: result.statusCode,
          nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : null,
          ...(next.status === 'delivered' ? { deliveredAt: attemptedAt } : {}),
        },
      });
      if (count === 0) {
        const { count: exists } = await tx.webhookDelivery.updateMany({
          where: { id: row.id },
          data: { attemptCount: { increment: 1 } },
        });
        // A subscription deleted meanwhile took its deliveries with it: nothing to record.
        if (exists === 0) return;
      }
      await tx.webhookAttempt.create({
        data: {
          deliveryId: row.id,
          attemptedAt,
          durationMs: result.durationMs,
          statusCode: result.statusCode,
          outcome: result.outcome,
          responseSnippet: result.responseSnippet,
        },
      });
    });
    // Ids and codes only: the endpoint URL may carry a partner's own token in its query.
    const log = { deliveryId: row.id, eventType: row.event_type, attempt: attemptCount, outcome: result.outcome };
    if (next.status === 'gone') this.#log.warn(log, 'webhook endpoint answered 410 Gone; subscription retired');
    else if (next.status === 'failed') this.#log.warn(log, 'webhook delivery failed for 24 hours; marked failed');
    else if (next.status === 'pending')
      this.#log.info({ ...log, statusCode: result.statusCode }, 'webhook attempt failed');
  }

  /** The log is for finding out what happened lately, not an archive: finished deliveries go after a while. */
  async #deleteFinished(): Promise<void> {
    const cutoff = new Date(this.#options.now().getTime() - this.#options.keepForMs);
    await this.#options.pool.query(
      `DELETE FROM webhook_delivery WHERE id IN (
         SELECT id FROM webhook_delivery
          WHERE status <> 'pending' AND coalesce(last_attempt_at, created_at) < $1 LIMIT 5000)`,
      [cutoff],
    );
  }

  async #untilNextDue(): Promise<number> {
    const { rows } = await this.#options.pool.query<{ due: Date | null }>(
      `SELECT min(next_attempt_at) AS due FROM webhook_delivery WHERE status = 'pending'`,
    );
    const due = rows[0]?.due;
    if (!due) return this.#options.pollIntervalMs;
    const wait = new Date(due).getTime() - this.#options.now().getTime();
    // A floor: due rows another instance is claiming this instant must not make this loop spin.
    return Math.max(5, Math.min(wait, this.#options.pollIntervalMs));
  }
}

import { Counter, Gauge } from '@vangnet/platform/metrics';
import type { FastifyPluginAsync } from 'fastify';
import type { PrismaClient } from '../../db.ts';
import type { BackoffPolicy } from './backoff.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { httpSender } from './sender.ts';

export interface WebhookDispatcherPluginOptions {
  prisma: PrismaClient;
  timeoutMs: number;
  backoff: BackoffPolicy;
  /** WEBHOOK_ALLOW_LOCAL_HTTP: development and tests may call local and private addresses. */
  allowLocal: boolean;
}

/**
 * Runs the dispatcher for as long as the app: it starts when the app is
 * ready and, registered after the database, stops (finishing the attempts in
 * flight) before the database closes.
 */
export const webhookDispatcherPlugin: FastifyPluginAsync<WebhookDispatcherPluginOptions> = async (app, options) => {
  const dispatcher = new WebhookDispatcher({
    prisma: options.prisma,
    pool: app.pool,
    logger: app.log,
    send: httpSender({ timeoutMs: options.timeoutMs, allowLocal: options.allowLocal }),
    backoff: options.backoff,
    timeoutMs: options.timeoutMs,
  });
  new Gauge({
    name: 'webhook_deliveries',
    help: 'Webhook deliveries kept, by status (pending ones wait for an attempt or a retry)',
    labelNames: ['status'] as const,
    registers: [app.metrics],
    async collect() {
      this.reset();
      const { rows } = await app.pool.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM webhook_delivery GROUP BY status',
      );
      for (const row of rows) this.set({ status: row.status }, row.n);
    },
  });
  const attempts = new Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook HTTP attempts by outcome (delivered, http_status, timeout, connection_failed, redirect_not_followed, endpoint_refused)',
    labelNames: ['outcome'] as const,
    registers: [app.metrics],
  });
  dispatcher.onAttempt((outcome) => attempts.inc({ outcome }));
  app.addHook('onReady', async () => {
    await dispatcher.start();
  });
  app.addHook('onClose', async () => {
    await dispatcher.stop();
  });
};

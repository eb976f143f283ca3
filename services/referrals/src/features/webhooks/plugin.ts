import type { FastifyPluginAsync } from 'fastify';
import type { PrismaClient } from '../../db.ts';
import type { BackoffPolicy } from './backoff.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { httpSender } from './sender.ts';

export interface WebhookDispatcherPluginOptions {
  prisma: PrismaClient;
  timeoutMs: number;
  backoff: BackoffPolicy;
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
    send: httpSender(options.timeoutMs),
    backoff: options.backoff,
    timeoutMs: options.timeoutMs,
  });
  app.addHook('onReady', async () => {
    await dispatcher.start();
  });
  app.addHook('onClose', async () => {
    await dispatcher.stop();
  });
};

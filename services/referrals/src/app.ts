import { prismaInbox } from '@vangnet/db/inbox';
import { EventConsumer } from '@vangnet/messaging/consumer';
import { createServiceApp } from '@vangnet/platform/app';
import { loggerOptions } from '@vangnet/platform/logging';
import { messagingPlugin } from '@vangnet/platform/messaging';
import { createPool, postgresPlugin } from '@vangnet/platform/postgres';
import pino, { type Logger } from 'pino';
import type { ReferralsConfig } from './config.ts';
import { createPrismaClient } from './db.ts';
import { referralsErrors } from './errors.ts';
import { listTeamReferralsRoute } from './features/list-team-referrals/route.ts';
import { webhookHandlers } from './features/webhooks/consumer.ts';
import { webhookDispatcherPlugin } from './features/webhooks/plugin.ts';
import { webhooksRoute } from './features/webhooks/route.ts';
import { assignmentHandlers } from './integration/consumers.ts';

/** Builds the referrals service; tests call this with their own config. */
export async function buildApp(config: ReferralsConfig, logger?: Logger) {
  const app = await createServiceApp({
    service: 'referrals',
    title: 'Vangnet referrals API',
    description: 'Team inboxes: referrals routed to a team, their lifecycle and the feedback to every sender.',
    logger: logger ?? pino(loggerOptions('referrals', config.LOG_LEVEL)),
    auth: { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks: new URL(config.AUTH_JWKS_URL) },
    domainErrors: referralsErrors,
  });
  const pool = createPool(config.DATABASE_URL);
  const prisma = createPrismaClient(pool);
  await app.register(postgresPlugin, { pool, client: prisma });
  await app.register(messagingPlugin, {
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'vangnet-referrals',
    relay: true,
    consumers: (instance) => [
      new EventConsumer({
        kafka: instance.kafka,
        groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.referrals.assignment`,
        logger: instance.log,
        inbox: prismaInbox(prisma),
        handlers: assignmentHandlers,
      }),
      new EventConsumer({
        kafka: instance.kafka,
        groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.referrals.webhooks`,
        logger: instance.log,
        inbox: prismaInbox(prisma),
        handlers: webhookHandlers,
      }),
    ],
  });
  await app.register(listTeamReferralsRoute, { prisma });
  await app.register(webhooksRoute, { prisma, allowLocalHttp: config.WEBHOOK_ALLOW_LOCAL_HTTP });
  await app.register(webhookDispatcherPlugin, {
    prisma,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    backoff: { initialMs: config.WEBHOOK_RETRY_INITIAL_MS, maxMs: config.WEBHOOK_RETRY_MAX_MS },
  });
  return Object.assign(app, { prisma });
}

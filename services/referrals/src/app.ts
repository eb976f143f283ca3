import { nlGovSource } from '@vangnet/contracts/envelope';
import { prismaInbox } from '@vangnet/db/inbox';
import { laneConsumers } from '@vangnet/messaging/lanes';
import { createServiceApp } from '@vangnet/platform/app';
import { kafkaSecurityOf } from '@vangnet/platform/config';
import { loggerOptions } from '@vangnet/platform/logging';
import { messagingPlugin } from '@vangnet/platform/messaging';
import { createPool, postgresPlugin } from '@vangnet/platform/postgres';
import pino, { type Logger } from 'pino';
import { type Clock, systemClock } from './clock.ts';
import type { ReferralsConfig } from './config.ts';
import { createPrismaClient } from './db.ts';
import { referralsErrors } from './errors.ts';
import { DeadlineTimer } from './features/deadlines/timer.ts';
import { gpReferralRoutes } from './features/gp-referral/route.ts';
import { referralActionRoutes } from './features/referral-actions/route.ts';
import { referralCountsRoute } from './features/referral-counts/route.ts';
import { RetentionJob } from './features/retention/job.ts';
import { teamInboxRoutes } from './features/team-inbox/route.ts';
import { webhookDispatcherPlugin } from './features/webhooks/plugin.ts';
import { webhooksRoute } from './features/webhooks/route.ts';
import { assignmentHandlers, readModelHandlers } from './integration/consumers.ts';

/** What tests replace: the clock that deadlines, escalation and every transition read. */
export interface AppOptions {
  clock?: Clock;
}

/** Builds the referrals service; tests call this with their own config (and clock). */
export async function buildApp(config: ReferralsConfig, logger?: Logger, options: AppOptions = {}) {
  const clock = options.clock ?? systemClock;
  const eventSource = nlGovSource(config.ORGANISATION_OIN, 'vangnet-referrals');
  const app = await createServiceApp({
    service: 'referrals',
    title: 'Vangnet referrals API',
    description: 'Team inboxes: referrals routed to a team, their lifecycle and the feedback to every sender.',
    logger: logger ?? pino(loggerOptions('referrals', config.LOG_LEVEL)),
    http: config,
    auth: { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks: new URL(config.AUTH_JWKS_URL) },
    metrics: { port: config.METRICS_PORT, host: config.HOST, token: config.METRICS_TOKEN },
    domainErrors: referralsErrors,
  });
  const pool = createPool(config.DATABASE_URL);
  const prisma = createPrismaClient(pool);
  await app.register(postgresPlugin, { pool, client: prisma });
  await app.register(messagingPlugin, {
    brokers: config.KAFKA_BROKERS,
    security: kafkaSecurityOf(config),
    clientId: config.KAFKA_CLIENT_ID ?? 'vangnet-referrals',
    relay: true,
    newGroupsStartAt: config.KAFKA_NEW_GROUPS_START,
    consumers: (instance) => [
      ...laneConsumers({
        kafka: instance.kafka,
        groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.referrals.assignment`,
        logger: instance.log,
        inbox: prismaInbox(prisma),
        handlers: assignmentHandlers({ gpStatusSource: eventSource }),
      }),
      ...laneConsumers({
        kafka: instance.kafka,
        groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.referrals.read-models`,
        logger: instance.log,
        inbox: prismaInbox(prisma),
        handlers: readModelHandlers,
      }),
    ],
  });
  await app.register(teamInboxRoutes, { prisma, clock });
  await app.register(referralCountsRoute, { prisma });
  await app.register(referralActionRoutes, { prisma, clock, eventSource });
  await app.register(gpReferralRoutes, { prisma, clock, eventSource });
  const deadlines = new DeadlineTimer({
    prisma,
    clock,
    eventSource,
    intervalMs: config.DEADLINE_POLL_INTERVAL_MS,
    log: app.log,
  });
  app.addHook('onReady', async () => deadlines.start());
  app.addHook('onClose', async () => deadlines.stop());
  const retention = new RetentionJob({
    prisma,
    clock,
    log: app.log,
    terms: { ended: config.RETENTION_ENDED_MONTHS, neverTaken: config.RETENTION_NEVER_TAKEN_MONTHS },
    intervalMs: config.RETENTION_INTERVAL_MINUTES * 60_000,
  });
  app.addHook('onReady', async () => retention.start());
  app.addHook('preClose', async () => retention.stop());
  await app.register(webhooksRoute, { prisma, allowLocalHttp: config.WEBHOOK_ALLOW_LOCAL_HTTP });
  await app.register(webhookDispatcherPlugin, {
    prisma,
    allowLocal: config.WEBHOOK_ALLOW_LOCAL_HTTP,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    backoff: { initialMs: config.WEBHOOK_RETRY_INITIAL_MS, maxMs: config.WEBHOOK_RETRY_MAX_MS },
  });
  return Object.assign(app, { prisma, deadlines, retention });
}

import { nlGovSource } from '@vangnet/contracts/envelope';
import { prismaInbox } from '@vangnet/db/inbox';
import { laneConsumers } from '@vangnet/messaging/lanes';
import { createServiceApp } from '@vangnet/platform/app';
import { kafkaSecurityOf } from '@vangnet/platform/config';
import { loggerOptions } from '@vangnet/platform/logging';
import { messagingPlugin } from '@vangnet/platform/messaging';
import { createPool, postgresPlugin } from '@vangnet/platform/postgres';
import pino, { type Logger } from 'pino';
import type { SignalsConfig } from './config.ts';
import { createPrismaClient } from './db.ts';
import { signalsErrors } from './errors.ts';
import { caseAccessHandlers } from './features/case-access/consumer.ts';
import { caseSubjectRoute } from './features/case-subject/route.ts';
import { getSignalRoute } from './features/get-signal/route.ts';
import { listSignalsRoute } from './features/list-signals/route.ts';
import { monitorRoute } from './features/monitor/route.ts';
import { takeInSignals } from './features/receive-signal/intake.ts';
import { receiveSignalRoute } from './features/receive-signal/route.ts';
import { SingleSignals } from './features/receive-signal/single-signals.ts';
import { receiveSignalBatchRoute } from './features/receive-signal-batch/route.ts';
import { SignalFileJob } from './features/receive-signal-file/job.ts';
import { receiveSignalFileRoute } from './features/receive-signal-file/route.ts';
import { RetentionJob } from './features/retention/job.ts';
import { routingStatusHandlers } from './features/routing-status/consumer.ts';
import { caseFeedbackHandlers } from './integration/consumers.ts';

/** Builds the signals service; tests call this with their own config and `inject`. */
export async function buildApp(config: SignalsConfig, logger?: Logger) {
  const app = await createServiceApp({
    service: 'signals',
    title: 'Vangnet signals API',
    description: 'Early-warning signals from landlords, utilities, health insurers and schools.',
    logger: logger ?? pino(loggerOptions('signals', config.LOG_LEVEL)),
    http: config,
    auth: { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks: new URL(config.AUTH_JWKS_URL) },
    metrics: { port: config.METRICS_PORT, host: config.HOST, token: config.METRICS_TOKEN },
    domainErrors: signalsErrors,
  });
  const pool = createPool(config.DATABASE_URL);
  const prisma = createPrismaClient(pool);
  await app.register(postgresPlugin, { pool, client: prisma });
  const eventSource = nlGovSource(config.ORGANISATION_OIN, 'vangnet-signals');
  await app.register(messagingPlugin, {
    brokers: config.KAFKA_BROKERS,
    security: kafkaSecurityOf(config),
    clientId: config.KAFKA_CLIENT_ID ?? 'vangnet-signals',
    relay: true,
    newGroupsStartAt: config.KAFKA_NEW_GROUPS_START,
    consumers: (instance) => [
      ...laneConsumers({
        kafka: instance.kafka,
        groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.signals.case-feedback`,
        logger: instance.log,
        inbox: prismaInbox(prisma),
        handlers: caseFeedbackHandlers(eventSource),
      }),
      ...laneConsumers({
        kafka: instance.kafka,
        groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.signals.case-access`,
        logger: instance.log,
        inbox: prismaInbox(prisma),
        handlers: caseAccessHandlers(),
      }),
      ...laneConsumers({
        kafka: instance.kafka,
        groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.signals.routing-status`,
        logger: instance.log,
        inbox: prismaInbox(prisma),
        handlers: routingStatusHandlers(),
      }),
    ],
  });
  const intake = {
    prisma,
    pool,
    eventSource,
    settings: {
      thresholdCents: Math.round(config.SIGNAL_THRESHOLD_EUROS * 100),
      matchingPeriodMonths: config.CASE_MATCHING_PERIOD_MONTHS,
    },
  };
  const singles = new SingleSignals((partner, requests, traces) =>
    takeInSignals(intake, partner, requests, traces, 'single'),
  );
  await app.register(receiveSignalRoute, { singles });
  await app.register(receiveSignalBatchRoute, intake);
  const fileJob = new SignalFileJob(intake, app.log as Logger, {
    chunkRows: config.SIGNAL_FILE_CHUNK_ROWS,
    leaseSeconds: 60,
    pollMs: config.SIGNAL_FILE_POLL_MS,
    maxAttempts: config.SIGNAL_FILE_CHUNK_ATTEMPTS,
  });
  const stagingPool = createPool(config.DATABASE_URL, config.SIGNAL_FILE_CONCURRENT_UPLOADS);
  app.addHook('onClose', async () => stagingPool.end());
  await app.register(receiveSignalFileRoute, {
    prisma,
    pool: stagingPool,
    limits: { maxBytes: config.SIGNAL_FILE_MAX_BYTES, maxRows: config.SIGNAL_FILE_MAX_ROWS },
    onStaged: () => fileJob.wake(),
  });
  // Started when the app is ready (so a restart resumes staged files), stopped before the pool closes.
  app.addHook('onReady', async () => fileJob.start());
  app.addHook('preClose', async () => fileJob.stop());
  const retention = new RetentionJob(
    prisma,
    {
      unmatched: config.RETENTION_UNMATCHED_MONTHS,
      openCase: config.RETENTION_OPEN_CASE_MONTHS,
      closedCase: config.RETENTION_CLOSED_CASE_MONTHS,
    },
    app.log as Logger,
    config.RETENTION_INTERVAL_MINUTES * 60_000,
  );
  app.addHook('onReady', async () => retention.start());
  app.addHook('preClose', async () => retention.stop());
  await app.register(caseSubjectRoute, { prisma });
  await app.register(getSignalRoute, { prisma });
  await app.register(listSignalsRoute, { prisma });
  await app.register(monitorRoute, { prisma });
  return Object.assign(app, { prisma, fileJob, retention });
}

import { nlGovSource } from '@vangnet/contracts/envelope';
import { prismaInbox } from '@vangnet/db/inbox';
import { laneConsumers } from '@vangnet/messaging/lanes';
import { createServiceApp } from '@vangnet/platform/app';
import { kafkaSecurityOf } from '@vangnet/platform/config';
import { loggerOptions } from '@vangnet/platform/logging';
import { messagingPlugin } from '@vangnet/platform/messaging';
import { createPool, postgresPlugin } from '@vangnet/platform/postgres';
import pino, { type Logger } from 'pino';
import type { NetworksConfig } from './config.ts';
import { createPrismaClient } from './db.ts';
import { networksErrors } from './errors.ts';
import { coordinatorQueueRoute } from './features/coordinator-queue/route.ts';
import { importPostcodesRoute } from './features/import-postcodes/route.ts';
import { manageAreasRoute } from './features/manage-areas/route.ts';
import { managePartnersRoute } from './features/manage-partners/route.ts';
import { manageRulesRoute } from './features/manage-rules/route.ts';
import { manageTeamsRoute } from './features/manage-teams/route.ts';
import { municipalityOverviewRoute } from './features/municipality-overview/route.ts';
import { publicHolidaysRoute } from './features/public-holidays/route.ts';
import { simulateRoutingRoute } from './features/simulate-routing/route.ts';
import { bulkRouterHandlers, routerHandlers } from './integration/consumers.ts';

/** Builds the networks service; tests call this with their own config. */
export async function buildApp(config: NetworksConfig, logger?: Logger) {
  const app = await createServiceApp({
    service: 'networks',
    title: 'Vangnet networks API',
    description: 'Neighbourhoods, teams and the router that sends each case to the right team.',
    logger: logger ?? pino(loggerOptions('networks', config.LOG_LEVEL)),
    http: config,
    auth: { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks: new URL(config.AUTH_JWKS_URL) },
    metrics: { port: config.METRICS_PORT, host: config.HOST, token: config.METRICS_TOKEN },
    domainErrors: networksErrors,
  });
  const pool = createPool(config.DATABASE_URL);
  const prisma = createPrismaClient(pool);
  await app.register(postgresPlugin, { pool, client: prisma });
  const eventSource = nlGovSource(config.ORGANISATION_OIN, 'vangnet-networks');
  await app.register(messagingPlugin, {
    brokers: config.KAFKA_BROKERS,
    security: kafkaSecurityOf(config),
    clientId: config.KAFKA_CLIENT_ID ?? 'vangnet-networks',
    relay: true,
    newGroupsStartAt: config.KAFKA_NEW_GROUPS_START,
    consumers: (instance) =>
      laneConsumers(
        {
          kafka: instance.kafka,
          groupId: `${config.KAFKA_CONSUMER_GROUP_PREFIX}.networks.router`,
          logger: instance.log,
          inbox: prismaInbox(prisma),
          handlers: routerHandlers(eventSource),
        },
        bulkRouterHandlers(eventSource),
      ),
  });
  await app.register(manageAreasRoute, { prisma, eventSource });
  await app.register(manageTeamsRoute, { prisma, eventSource });
  await app.register(managePartnersRoute, { prisma, eventSource });
  await app.register(manageRulesRoute, { prisma });
  await app.register(simulateRoutingRoute, { prisma });
  await app.register(coordinatorQueueRoute, { prisma, eventSource });
  await app.register(importPostcodesRoute, { prisma });
  await app.register(publicHolidaysRoute, { prisma });
  await app.register(municipalityOverviewRoute, { prisma });
  return Object.assign(app, { prisma, eventSource });
}

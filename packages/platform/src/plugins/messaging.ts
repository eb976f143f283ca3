import { createKafka, type Kafka } from '@vangnet/messaging/kafka';
import { OutboxRelay } from '@vangnet/messaging/relay';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge } from '../http/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    kafka: Kafka;
    outboxRelay: OutboxRelay | undefined;
  }
}

type Admin = ReturnType<Kafka['admin']>;

/** What the plugin needs of a consumer: an `EventConsumer` of any transaction type. */
interface Lifecycle {
  readonly groupId: string;
  startNewGroupAtEnd(admin: Admin): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  onOutcome(listener: (outcome: string) => void): void;
}

export interface MessagingPluginOptions {
  brokers: string[];
  clientId: string;
  /** Publish this service's outbox (needs the postgres plugin). */
  relay: boolean;
  /** The service's consumers, built once the app (and its database) exists. */
  consumers?: (app: FastifyInstance) => Lifecycle[];
  /** `latest` only in tests: new groups skip what the shared broker already holds. */
  newGroupsStartAt?: 'earliest' | 'latest';
}

/**
 * Kafka for one service: the outbox relay and the consumers start when the
 * app is ready and stop when it closes. Consumers stop first, so the message
 * in hand finishes and commits; then the relay publishes what is committed.
 */
export const messagingPlugin = fp(
  async (app: FastifyInstance, options: MessagingPluginOptions) => {
    const kafka = createKafka({ brokers: options.brokers, clientId: options.clientId, logger: app.log });
    app.decorate('kafka', kafka);
    const relay = options.relay ? new OutboxRelay({ pool: app.pool, kafka, logger: app.log }) : undefined;
    app.decorate('outboxRelay', relay);
    let consumers: Lifecycle[] = [];

    const consumed = new Counter({
      name: 'consumer_events_total',
      help: 'Events taken from Kafka by consumer group and outcome (applied, duplicate, ignored, dead-lettered)',
      labelNames: ['group', 'outcome'] as const,
      registers: [app.metrics],
    });
    if (relay) {
      new Gauge({
        name: 'outbox_backlog',
        help: 'Outbox rows committed but not yet published',
        registers: [app.metrics],
        async collect() {
          const { rows } = await app.pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL',
          );
          this.set(rows[0]?.n ?? 0);
        },
      });
      new Gauge({
        name: 'outbox_published',
        help: 'Events this instance published since it started',
        registers: [app.metrics],
        collect() {
          this.set(relay.published);
        },
      });
    }

    const admin = kafka.admin();
    let adminConnected: Promise<void> | undefined;
    app.addReadinessCheck('kafka', async () => {
      adminConnected ??= admin.connect().catch((error: unknown) => {
        adminConnected = undefined;
        throw error;
      });
      await adminConnected;
      await admin.describeCluster();
    });

    app.addHook('onReady', async () => {
      await relay?.start();
      consumers = options.consumers?.(app) ?? [];
      for (const consumer of consumers) {
        consumer.onOutcome((outcome) => consumed.inc({ group: consumer.groupId, outcome }));
      }
      if (options.newGroupsStartAt === 'latest' && consumers.length > 0) {
        // Awaited, unlike the joins below: once the app is ready, whatever is
        // published next is after the groups' starting point.
        adminConnected ??= admin.connect();
        await adminConnected;
        for (const consumer of consumers) await consumer.startNewGroupAtEnd(admin);
      }
      // Joining a group can take seconds; the HTTP API does not wait for it.
      for (const consumer of consumers) {
        consumer.start().catch((error: unknown) => app.log.error({ err: error }, 'consumer failed to start'));
      }
    });
    app.addHook('onClose', async () => {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await relay?.stop();
      await admin.disconnect().catch(() => undefined);
    });
  },
  { name: 'vangnet-messaging', dependencies: ['vangnet-postgres', 'vangnet-metrics'] },
);

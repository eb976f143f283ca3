import { createKafka, type Kafka } from '@vangnet/messaging/kafka';
import { OutboxRelay } from '@vangnet/messaging/relay';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    kafka: Kafka;
    outboxRelay: OutboxRelay | undefined;
  }
}

/** What the plugin needs of a consumer: an `EventConsumer` of any transaction type. */
interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface MessagingPluginOptions {
  brokers: string[];
  clientId: string;
  /** Publish this service's outbox (needs the postgres plugin). */
  relay: boolean;
  /** The service's consumers, built once the app (and its database) exists. */
  consumers?: (app: FastifyInstance) => Lifecycle[];
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
  { name: 'vangnet-messaging', dependencies: ['vangnet-postgres'] },
);

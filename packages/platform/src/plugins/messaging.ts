import { createKafka, type Kafka, type KafkaSecurity } from '@vangnet/messaging/kafka';
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
  readonly topics: readonly string[];
  startNewGroupAtEnd(admin: Admin): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  onOutcome(listener: (outcome: string) => void): void;
}

export interface MessagingPluginOptions {
  brokers: string[];
  clientId: string;
  /** TLS and SASL towards the brokers (kafkaSecurityOf(config)). */
  security?: KafkaSecurity;
  /** Publish this service's outbox (needs the postgres plugin). */
  relay: boolean;
  /** The service's consumers, built once the app (and its database) exists. */
  consumers?: (app: FastifyInstance) => Lifecycle[];
  /** `latest` only in tests: new groups skip what the shared broker already holds. */
  newGroupsStartAt?: 'earliest' | 'latest';
}

const LAG_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: string;
  lag: number;
}

/**
 * Per group and partition: the end offset minus the group's committed
 * offset. A partition the group never committed on has no lag to report
 * (as in Kafka's own kafka-consumer-groups tool): where such a group starts
 * depends on its reset policy, not on the broker.
 */
export async function consumerLag(
  admin: Admin,
  groups: Pick<Lifecycle, 'groupId' | 'topics'>[],
): Promise<PartitionLag[]> {
  const topics = [...new Set(groups.flatMap((group) => group.topics))];
  const ends = new Map(
    await Promise.all(topics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)),
  );
  const lags: PartitionLag[] = [];
  for (const group of groups) {
    const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...group.topics] });
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) {
        const end = ends.get(topic)?.find((candidate) => candidate.partition === partition);
        if (!end) continue;
        const from = Number(offset) >= 0 ? Number(offset) : Number(end.low);
        lags.push({
          group: group.groupId,
          topic,
          partition: String(partition),
          lag: Math.max(0, Number(end.high) - from),
        });
      }
    }
  }
  return lags;
}

/**
 * Kafka for one service: the outbox relay and the consumers start when the
 * app is ready and stop when it closes. Consumers stop first, so the message
 * in hand finishes and commits; then the relay publishes what is committed.
 */
export const messagingPlugin = fp(
  async (app: FastifyInstance, options: MessagingPluginOptions) => {
    const kafka = createKafka({
      brokers: options.brokers,
      clientId: options.clientId,
      logger: app.log,
      ...(options.security ? { security: options.security } : {}),
    });
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
      const published = new Counter({
        name: 'outbox_published_total',
        help: 'Events this instance published from the outbox since it started',
        registers: [app.metrics],
      });
      relay.onPublished((count) => published.inc(count));
    }

    const admin = kafka.admin();
    let adminConnected: Promise<void> | undefined;
    const connectedAdmin = async () => {
      adminConnected ??= admin.connect().catch((error: unknown) => {
        adminConnected = undefined;
        throw error;
      });
      await adminConnected;
      return admin;
    };
    // Reported, not required: while the broker is away requests still commit
    // to the outbox, which the relay publishes once it is back. Taking every
    // instance out of the Service for a broker outage would refuse signals
    // that could have been kept.
    app.addReadinessCheck(
      'kafka',
      async () => {
        await (await connectedAdmin()).describeCluster();
      },
      { critical: false },
    );

    // Every instance reports its groups' whole lag (the committed offsets are
    // the group's, not the member's): aggregate with max, not sum.
    new Gauge({
      name: 'kafka_consumer_group_lag',
      help: 'Messages not yet consumed per consumer group, topic and partition (end offset minus committed offset)',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers: [app.metrics],
      async collect() {
        this.reset();
        if (consumers.length === 0) return;
        try {
          const lags = await withTimeout(consumerLag(await connectedAdmin(), consumers), LAG_TIMEOUT_MS);
          for (const lag of lags) this.set({ group: lag.group, topic: lag.topic, partition: lag.partition }, lag.lag);
        } catch (error) {
          // No series rather than stale ones: an absent lag is what an alert on a broker outage sees.
          app.log.debug({ err: error }, 'consumer lag unavailable');
        }
      },
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

import type { ConnectionOptions } from 'node:tls';
import { allTopics, deadLetterTopic, type Topic, topicSettings } from '@vangnet/contracts/topics';
import { type Admin, Kafka, type LogEntry, logLevel, Partitioners, type SASLOptions } from 'kafkajs';
import type { Log } from './log.ts';

export type { Kafka } from 'kafkajs';

/** kafkajs notices that say nothing about this deployment. */
const quietMessages = [
  // We set the partitioner explicitly (see producerOptions).
  'KafkaJS v2.0.0 switched default partitioner',
  // The relay bounds its retries on purpose: on a long broker outage it rolls
  // back and tries again later instead of holding rows locked forever. Order
  // survives (a resend repeats the whole batch in order) and the consumers'
  // inbox drops the duplicates.
  'Limiting retries for the idempotent producer',
];

/** Producer settings every producer of ours shares. */
export const producerOptions = {
  // The murmur2 partitioner of the Java client: a key lands on the same partition whoever produces it.
  createPartitioner: Partitioners.DefaultPartitioner,
  allowAutoTopicCreation: false,
} as const;

/**
 * How a client proves who it is and checks the brokers: TLS (`true` trusts
 * the system's CAs; `ca` names the cluster's own, e.g. Strimzi's cluster CA)
 * and SASL (Strimzi's KafkaUser with SCRAM-SHA-512). Without either, plain
 * TCP, for development and tests.
 */
export interface KafkaSecurity {
  ssl?: true | Pick<ConnectionOptions, 'ca'>;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/**
 * kafkajs 2.2.4 is the Kafka adapter, kept behind this package: it is
 * unmaintained since 2023, so nothing outside `@vangnet/messaging` imports it
 * and a replacement touches one folder.
 */
export function createKafka(options: {
  brokers: string[];
  clientId: string;
  logger: Log;
  security?: KafkaSecurity;
}): Kafka {
  const log = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.security?.ssl ? { ssl: options.security.ssl } : {}),
    ...(options.security?.sasl ? { sasl: options.security.sasl as SASLOptions } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    // Reconnect for about a minute before a call gives up; the caller retries after that.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...rest } = entry;
        if (quietMessages.some((quiet) => message.startsWith(quiet))) return;
        // kafkajs logs every failed request as an error, also the ones it
        // retries itself (a coordinator still loading). What fails for good
        // reaches our code as a thrown error, which logs at error level there.
        if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(rest, message);
        else log.debug(rest, message);
      },
  });
}

/** Creates the topics (and their dead-letter topics) that do not exist yet. */
export async function ensureTopics(admin: Admin, topics: readonly Topic[] = allTopics): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const wanted = topics.flatMap((topic) => {
    const { partitions, compacted } = topicSettings[topic];
    return [
      {
        topic,
        numPartitions: partitions,
        configEntries: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      },
      { topic: deadLetterTopic(topic), numPartitions: 1, configEntries: [] },
    ];
  });
  const missing = wanted.filter(({ topic }) => !existing.has(topic));
  if (missing.length === 0) return;
  await admin.createTopics({ topics: missing, waitForLeaders: true });
}

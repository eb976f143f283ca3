import type { Kafka } from 'kafkajs';
import { producerOptions } from './kafka.ts';
import type { Log } from './log.ts';

/** One group for every replay: its committed offsets make each dead letter go back once. */
export const REPLAY_GROUP = 'vangnet.dead-letter-replay';

const isDeadLetterHeader = (name: string) => name.startsWith('dlq_');

/**
 * Moves the dead letters of `<topic>.dlq` that arrived before this call back
 * to the topic they came from, with their original key, value and headers
 * (the same CloudEvents id, so a consumer that already applied one drops it).
 * Run it after fixing what made them fail; what fails again lands in the
 * dead-letter topic again, with its new error.
 */
export async function replayDeadLetters(options: { kafka: Kafka; topic: string; logger: Log }): Promise<number> {
  const { kafka, topic } = options;
  const deadLetterTopic = `${topic}.dlq`;
  const log = options.logger.child({ component: 'dead-letter-replay', topic: deadLetterTopic });
  const admin = kafka.admin();
  await admin.connect();
  // Snapshot the end: letters that die again during the replay wait for the next one.
  const ends = await admin.fetchTopicOffsets(deadLetterTopic);
  const committed = await admin.fetchOffsets({ groupId: REPLAY_GROUP, topics: [deadLetterTopic] });
  await admin.disconnect();
  const start = new Map(
    (committed[0]?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset === '-1' ? 0 : offset)]),
  );
  const remaining = new Map<number, bigint>();
  for (const { partition, high, low } of ends) {
    const from = start.get(partition) ?? BigInt(low);
    if (BigInt(high) > from) remaining.set(partition, BigInt(high));
  }
  if (remaining.size === 0) return 0;

  const producer = kafka.producer({ ...producerOptions, idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: REPLAY_GROUP, allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), consumer.connect()]);
  let replayed = 0;
  try {
    await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = remaining.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) {
              if (value !== undefined && !isDeadLetterHeader(name)) headers[name] = value.toString();
            }
            const origin = message.headers?.dlq_topic?.toString() ?? topic;
            await producer.send({ topic: origin, messages: [{ key: message.key, value: message.value, headers }] });
            await consumer.commitOffsets([
              { topic: deadLetterTopic, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
            replayed += 1;
            if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  log.info({ replayed }, 'dead letters replayed');
  return replayed;
}

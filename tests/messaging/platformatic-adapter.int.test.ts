import { randomBytes } from 'node:crypto';
import { createPlatformaticKafka } from '@vangnet/messaging/adapters/platformatic';
import { createKafka, producerOptions } from '@vangnet/messaging/kafka';
import type { ConsumedMessage, KafkaPort, PortConsumer } from '@vangnet/messaging/port';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * The @platformatic/kafka adapter of the Kafka port against the real broker:
 * topics, ordered keyed batches that land where kafkajs puts the same key,
 * per-partition batches taking turns, and a group resuming after the
 * offsets its members resolved (nothing resolved is read again, nothing
 * unresolved is skipped).
 */

const logger = pino({ level: 'silent' });
let port: KafkaPort;
const open: { close(): Promise<void> }[] = [];

beforeAll(() => {
  port = createPlatformaticKafka({ brokers: testInfrastructure().kafkaBrokers, clientId: 'test-platformatic', logger });
});

afterEach(async () => {
  for (const client of open.splice(0).reverse()) await client.close();
});

const topicName = (what: string) => `test.platformatic.${what}.${randomBytes(4).toString('hex')}`;

async function withTopic(partitions = 6): Promise<string> {
  const admin = port.admin();
  open.push(admin);
  const topic = topicName('probe');
  await admin.ensureTopics([{ topic, partitions }]);
  return topic;
}

interface Probe {
  key: string;
  seq: number;
  from: string;
}

const decode = (message: ConsumedMessage): Probe => JSON.parse(String(message.value)) as Probe;

/** A consumer recording every message, and per partition whether two of its batches ever ran at once. */
function recordingConsumer(groupId: string) {
  const seen: ConsumedMessage[] = [];
  const running = new Set<number>();
  const overlaps: number[] = [];
  const consumer: PortConsumer = port.consumer({ groupId, sessionTimeoutMs: 6_000 });
  open.push(consumer);
  const start = (topic: string, resolve: (message: ConsumedMessage) => boolean) =>
    consumer.run({
      topics: [topic],
      fromBeginning: true,
      eachBatch: async (batch, control) => {
        if (running.has(batch.partition)) overlaps.push(batch.partition);
        running.add(batch.partition);
        try {
          for (const message of batch.messages) {
            if (!control.owned()) return;
            seen.push(message);
            // Give other partitions' loops a turn, as an inbox transaction would.
            await new Promise((done) => setImmediate(done));
            if (resolve(message)) control.resolve(message);
          }
        } finally {
          running.delete(batch.partition);
        }
      },
    });
  return { consumer, seen, overlaps, start };
}

describe('@platformatic/kafka adapter', () => {
  it('creates missing topics with their partitions and compaction, and leaves existing ones alone', async () => {
    const admin = port.admin();
    open.push(admin);
    const plain = topicName('plain');
    const compacted = topicName('compacted');
    await admin.ensureTopics([
      { topic: plain, partitions: 3 },
      { topic: compacted, partitions: 2, compacted: true },
    ]);
    await admin.ensureTopics([{ topic: plain, partitions: 3 }]);

    const kafkajs = createKafka({ brokers: testInfrastructure().kafkaBrokers, clientId: 'test-check', logger });
    const check = kafkajs.admin();
    await check.connect();
    try {
      const { topics } = await check.fetchTopicMetadata({ topics: [plain, compacted] });
      expect(Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]))).toEqual({
        [plain]: 3,
        [compacted]: 2,
      });
      const configs = await check.describeConfigs({
        includeSynonyms: false,
        resources: [plain, compacted].map((name) => ({ type: 2, name, configNames: ['cleanup.policy'] })),
      });
      const policy = Object.fromEntries(
        configs.resources.map((r) => [
          r.resourceName,
          r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue,
        ]),
      );
      expect(policy).toEqual({ [plain]: 'delete', [compacted]: 'compact' });
    } finally {
      await check.disconnect();
    }
  });

  it('sends batches in order with keys and headers, each key on the partition kafkajs chooses for it', async () => {
    const topic = await withTopic();
    const keys = Array.from({ length: 40 }, (_, index) => `household-${index}`);
    const batchOf = (from: string, round: number) =>
      keys.map((key) => ({
        key,
        value: JSON.stringify({ key, seq: round, from } satisfies Probe),
        headers: { ce_id: `${from}-${key}-${round}`, ce_type: 'nl.vangnet.test.Probe.v1' },
      }));

    const producer = port.producer();
    open.push(producer);
    for (let round = 0; round < 5; round += 1)
      await producer.send([{ topic, messages: batchOf('platformatic', round) }]);
    // The same keys from kafkajs, as today's relay sends them: they must land on the same partitions.
    const kafkajs = createKafka({ brokers: testInfrastructure().kafkaBrokers, clientId: 'test-kafkajs', logger });
    const legacy = kafkajs.producer(producerOptions);
    await legacy.connect();
    try {
      await legacy.send({ topic, messages: batchOf('kafkajs', 0), acks: -1 });
    } finally {
      await legacy.disconnect();
    }

    const { seen, start } = recordingConsumer(`test-order-${topic}`);
    await start(topic, () => true);
    const total = keys.length * 6;
    await waitFor('every message consumed', async () => (seen.length >= total ? true : undefined), {
      timeoutMs: 30_000,
    });

    expect(seen).toHaveLength(total);
    const partitionsByKey = new Map<string, Set<number>>();
    for (const message of seen) {
      expect(String(message.key)).toBe(decode(message).key);
      const partitions = partitionsByKey.get(decode(message).key) ?? new Set();
      partitions.add(message.partition);
      partitionsByKey.set(decode(message).key, partitions);
    }
    expect([...partitionsByKey.values()].every((partitions) => partitions.size === 1)).toBe(true);
    for (const key of keys) {
      const ofKey = seen.filter((message) => decode(message).key === key).map(decode);
      expect(ofKey.map((probe) => `${probe.from}:${probe.seq}`)).toEqual([
        'platformatic:0',
        'platformatic:1',
        'platformatic:2',
        'platformatic:3',
        'platformatic:4',
        'kafkajs:0',
      ]);
    }
    const first = seen.find((message) => decode(message).key === 'household-7' && decode(message).seq === 3);
    expect(first?.headers).toEqual({ ce_id: 'platformatic-household-7-3', ce_type: 'nl.vangnet.test.Probe.v1' });
  });

  it("works a partition's batches one at a time, and a new member resumes right after the resolved offsets", async () => {
    const topic = await withTopic();
    const producer = port.producer();
    open.push(producer);
    const total = 600;
    const resolvedBelow = 400;
    for (let start = 0; start < total; start += 100) {
      await producer.send([
        {
          topic,
          messages: Array.from({ length: 100 }, (_, index) => {
            const seq = start + index;
            const key = `household-${seq % 30}`;
            return { key, value: JSON.stringify({ key, seq, from: 'test' } satisfies Probe), headers: {} };
          }),
        },
      ]);
    }
    const groupId = `test-resume-${topic}`;

    // A partition's seqs rise with its offsets: stopping at the first seq >= 400 resolves a prefix.
    const stoppedOn = new Set<number>();
    const first = recordingConsumer(groupId);
    await first.start(topic, (message) => {
      if (decode(message).seq >= resolvedBelow) stoppedOn.add(message.partition);
      return !stoppedOn.has(message.partition);
    });
    await waitFor('the first member read everything', async () => (first.seen.length >= total ? true : undefined), {
      timeoutMs: 30_000,
    });
    expect(first.overlaps).toEqual([]);
    expect(new Set(first.seen.map((message) => `${message.partition}:${message.offset}`)).size).toBe(total);
    open.splice(open.indexOf(first.consumer), 1);
    await first.consumer.close();

    const second = recordingConsumer(groupId);
    await second.start(topic, () => true);
    const unresolved = first.seen
      .filter((message) => decode(message).seq >= resolvedBelow)
      .map((message) => decode(message).seq)
      .sort((a, b) => a - b);
    await waitFor(
      'the second member read what was not resolved',
      async () => (second.seen.length >= unresolved.length ? true : undefined),
      { timeoutMs: 30_000 },
    );
    expect(second.seen.map((message) => decode(message).seq).sort((a, b) => a - b)).toEqual(unresolved);
  });

  it('shares the partitions with a member that joins and takes over those of one that leaves, handling every message', async () => {
    const topic = await withTopic();
    const producer = port.producer();
    open.push(producer);
    let seq = 0;
    const produce = async (count: number) => {
      const messages = Array.from({ length: count }, () => {
        const key = `household-${seq % 30}`;
        const value = JSON.stringify({ key, seq, from: 'test' } satisfies Probe);
        seq += 1;
        return { key, value, headers: {} };
      });
      await producer.send([{ topic, messages }]);
    };
    const handled = (members: ReturnType<typeof recordingConsumer>[]) =>
      new Set(members.flatMap((member) => member.seen.map((message) => decode(message).seq)));
    const groupId = `test-rebalance-${topic}`;

    const first = recordingConsumer(groupId);
    await first.start(topic, () => true);
    await produce(200);
    await waitFor('the first member handled 200', async () => (handled([first]).size >= 200 ? true : undefined), {
      timeoutMs: 30_000,
    });

    const second = recordingConsumer(groupId);
    await second.start(topic, () => true);
    await produce(200);
    await waitFor(
      'both members handle messages',
      async () => (second.seen.length > 0 && handled([first, second]).size >= 400 ? true : undefined),
      { timeoutMs: 30_000 },
    );
    const partitionsOf = (member: ReturnType<typeof recordingConsumer>, from: number) =>
      new Set(member.seen.filter((message) => decode(message).seq >= from).map((message) => message.partition));
    const secondHas = partitionsOf(second, 200);
    expect(secondHas.size).toBeGreaterThan(0);
    expect(secondHas.size).toBeLessThan(6);

    open.splice(open.indexOf(first.consumer), 1);
    await first.consumer.close();
    await produce(200);
    await waitFor(
      'the second member handled the rest',
      async () => (handled([first, second]).size >= 600 ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    expect(partitionsOf(second, 400).size).toBe(6);
    expect(handled([first, second]).size).toBe(600);
    expect([...first.overlaps, ...second.overlaps]).toEqual([]);
  });
});

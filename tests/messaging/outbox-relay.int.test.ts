import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '@vangnet/messaging/relay';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures/harness.ts';
import { appendProbes, probeMessages } from './fixtures/probe.ts';

const logger = pino({ level: 'silent' });
let harness: Harness;
let relay: OutboxRelay | undefined;

beforeAll(async () => {
  harness = await createHarness(testInfrastructure());
});

afterAll(async () => {
  await relay?.stop();
  await harness?.close();
});

describe('outbox relay', () => {
  it('is woken by the commit, not by its poll, and deletes sent rows once they are old enough', async () => {
    // A poll far longer than the test: only NOTIFY can make it publish in time.
    relay = new OutboxRelay({
      pool: harness.pool,
      kafka: harness.kafka,
      logger,
      pollIntervalMs: 600_000,
      keepSentForMs: 0,
      cleanupIntervalMs: 200,
    });
    await relay.start();
    await waitFor('the relay listening', async () => {
      const { rows } = await harness.pool.query("SELECT 1 FROM pg_stat_activity WHERE query = 'LISTEN outbox'");
      return rows[0];
    });

    const messages = probeMessages(
      harness.topic,
      Array.from({ length: 10 }, (_, seq) => ({ key: `household-${randomUUID()}`, seq })),
    );
    await appendProbes(harness.pool, messages);
    await waitFor('the rows published', async () => (relay && relay.published >= 10 ? true : undefined), {
      timeoutMs: 10_000,
    });

    // Sent rows are kept for inspection (a day by default), then deleted.
    await waitFor('the sent rows deleted', async () => {
      const { rows } = await harness.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
      return rows[0]?.n === 0 ? true : undefined;
    });

    const admin = harness.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(harness.topic);
    await admin.disconnect();
    expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(10);
  });

  it('publishes a key only up to the first row another relay holds, so its events stay in order', async () => {
    await relay?.stop();
    // SKIP LOCKED hands a relay the rows around the ones another relay
    // holds. Here the test is that other relay: it holds seq 1 and 2.
    const key = `household-${randomUUID()}`;
    const other = `household-${randomUUID()}`;
    await appendProbes(
      harness.pool,
      probeMessages(harness.topic, [
        { key, seq: 0 },
        { key, seq: 1 },
        { key, seq: 2 },
        { key, seq: 3 },
        { key: other, seq: 0 },
      ]),
    );
    const seqSent = async () => {
      const { rows } = await harness.pool.query<{ key: string; seq: number; sent: boolean }>(
        `SELECT message_key AS key, (payload->>'seq')::int AS seq, sent_at IS NOT NULL AS sent
           FROM outbox WHERE message_key IN ($1, $2) ORDER BY position`,
        [key, other],
      );
      return rows;
    };
    const holder = await harness.pool.connect();
    const reader = harness.kafka.consumer({ groupId: `order-reader-${randomUUID()}` });
    try {
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM outbox WHERE message_key = $1 AND (payload->>'seq')::int IN (1, 2) FOR UPDATE`,
        [key],
      );
      relay = new OutboxRelay({ pool: harness.pool, kafka: harness.kafka, logger, pollIntervalMs: 100 });
      await relay.start();
      // The other key's row was in the same round as seq 3: once it is sent, that round has decided.
      await waitFor('the free rows published', async () => {
        const rows = await seqSent();
        return rows.find((row) => row.key === other)?.sent ? rows : undefined;
      });
      expect((await seqSent()).filter((row) => row.key === key)).toEqual([
        { key, seq: 0, sent: true },
        { key, seq: 1, sent: false },
        { key, seq: 2, sent: false },
        { key, seq: 3, sent: false },
      ]);

      // The other relay lets go without publishing (it died): the rest follows, in order.
      await holder.query('ROLLBACK');
      await waitFor('every row published', async () => ((await seqSent()).every((row) => row.sent) ? true : undefined));
      const seen: number[] = [];
      await reader.connect();
      await reader.subscribe({ topics: [harness.topic], fromBeginning: true });
      await reader.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === key) seen.push(JSON.parse(message.value?.toString() ?? '{}').seq);
        },
      });
      await waitFor('the key read back', async () => (seen.length >= 4 ? true : undefined), { timeoutMs: 30_000 });
      expect(seen).toEqual([0, 1, 2, 3]);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
      await reader.disconnect();
    }
  });

  it('publishes the main topics before a bulk lane’s backlog, with the earlier rows of their keys', async () => {
    await relay?.stop();
    const bulk = `${harness.topic}.bulk.v1`;
    const admin = harness.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: bulk, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    // A file's backlog on the bulk lane; one household of it (`joined`) gets a crisis on the main topic.
    const joined = `household-${randomUUID()}`;
    const alone = `household-${randomUUID()}`;
    const file = probeMessages(
      harness.topic,
      Array.from({ length: 3_000 }, (_, seq) => ({ key: seq === 1_500 ? joined : `household-${randomUUID()}`, seq })),
    ).map((message) => ({ ...message, topic: bulk }));
    await appendProbes(harness.pool, file);
    await appendProbes(
      harness.pool,
      probeMessages(harness.topic, [
        { key: joined, seq: 1 },
        { key: alone, seq: 0 },
      ]),
    );
    relay = new OutboxRelay({ pool: harness.pool, kafka: harness.kafka, logger, batchSize: 100, pollIntervalMs: 100 });
    await relay.start();
    const sentAt = (key: string, topic: string) =>
      harness.pool
        .query<{ sent: Date | null }>('SELECT sent_at AS sent FROM outbox WHERE message_key = $1 AND topic = $2', [
          key,
          topic,
        ])
        .then(({ rows }) => rows[0]?.sent ?? undefined);
    const first = await waitFor('the crisis published', () => sentAt(alone, harness.topic), { timeoutMs: 30_000 });
    // One round, one transaction, one sent_at: the main rows, the joined household's file row before its
    // crisis, and the oldest file rows up to the batch; the rest of the file in later rounds.
    expect(await sentAt(joined, harness.topic)).toEqual(first);
    expect(await sentAt(joined, bulk)).toEqual(first);
    const { rows } = await harness.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox WHERE topic = $1 AND sent_at <= $2',
      [bulk, first],
    );
    expect(rows[0]?.n).toBeLessThanOrEqual(100);
    await waitFor('the whole file published', async () => {
      const { rows: left } = await harness.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM outbox WHERE topic = $1 AND sent_at IS NULL',
        [bulk],
      );
      return left[0]?.n === 0 ? true : undefined;
    });
  });
});

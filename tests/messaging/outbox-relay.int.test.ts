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
});

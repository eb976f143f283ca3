import { randomUUID } from 'node:crypto';
import { EventConsumer, on } from '@vangnet/messaging/consumer';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import type pg from 'pg';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures/harness.ts';
import { effectsReport, type ProbeData, pgInbox, probeEvent, probeRecords, recordEffect } from './fixtures/probe.ts';

/**
 * kafkajs 2.2.4 is unmaintained and predates Kafka 4 (which dropped old
 * protocol versions and rewrote group coordination). These tests pin down
 * what we rely on against the real 4.x broker: topics made by the admin,
 * produce, group consumption with manual commits, resuming from the
 * committed offset, and rebalances as members join and leave.
 */

const logger = pino({ level: 'silent' });
let harness: Harness;
const consumers: EventConsumer<pg.PoolClient>[] = [];

// A topic and database per test: a new group reads its topic from the start.
beforeEach(async () => {
  harness = await createHarness(testInfrastructure());
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  await harness?.close();
});

function probeConsumer(groupId: string) {
  const consumer = new EventConsumer<pg.PoolClient>({
    kafka: harness.kafka,
    groupId,
    logger,
    inbox: pgInbox(harness.pool),
    sessionTimeoutMs: 6_000,
    handlers: [on(probeEvent(harness.topic), async (data, { tx, event }) => recordEffect(tx, event.id, data))],
  });
  consumers.push(consumer);
  return consumer;
}

async function produce(from: number, count: number) {
  const data: ProbeData[] = Array.from({ length: count }, (_, index) => ({
    key: `household-${(from + index) % 30}`,
    seq: from + index,
  }));
  const producer = harness.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: harness.topic,
    messages: probeRecords(harness.topic, data),
  });
  await producer.disconnect();
}

const applied = (count: number) => async () => {
  const { distinct } = await effectsReport(harness.pool);
  return distinct >= count ? distinct : undefined;
};

describe('kafkajs 2.2.4 against Kafka 4', () => {
  it('creates topics through the admin API with the partitions asked for', async () => {
    const admin = harness.kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [harness.topic, `${harness.topic}.dlq`] });
    await admin.disconnect();
    expect(Object.fromEntries(metadata.topics.map((topic) => [topic.name, topic.partitions.length]))).toEqual({
      [harness.topic]: 6,
      [`${harness.topic}.dlq`]: 1,
    });
  });

  it('resumes a group from its committed offset after a restart, reading nothing twice', async () => {
    const groupId = `resume-${randomUUID()}`;
    await produce(0, 300);
    const first = probeConsumer(groupId);
    await first.start();
    await waitFor('300 applied', applied(300));
    await first.stop();

    const admin = harness.kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [harness.topic] });
    const ends = await admin.fetchTopicOffsets(harness.topic);
    await admin.disconnect();
    // Every partition's committed offset is its end: the group has read all and said so.
    expect(Object.fromEntries((committed?.partitions ?? []).map((p) => [p.partition, p.offset]))).toEqual(
      Object.fromEntries(ends.map((p) => [p.partition, p.high])),
    );

    await produce(300, 200);
    const second = probeConsumer(groupId);
    let duplicates = 0;
    second.onOutcome((outcome) => {
      if (outcome === 'duplicate') duplicates += 1;
    });
    await second.start();
    await waitFor('500 applied', applied(500));
    await second.stop();
    expect(duplicates).toBe(0);
    expect(await effectsReport(harness.pool)).toEqual({ applied: 500, distinct: 500, outOfOrderKeys: [] });
  });

  it('rebalances when a third member joins and one leaves mid-stream, applying every event once', async () => {
    const groupId = `rebalance-${randomUUID()}`;
    const [a, b, c] = [probeConsumer(groupId), probeConsumer(groupId), probeConsumer(groupId)];
    await Promise.all([a?.start(), b?.start()]);

    let sent = 0;
    const sendSome = async (count: number) => {
      await produce(10_000 + sent, count);
      sent += count;
    };
    await sendSome(500);
    await waitFor('the first part applied', applied(250));
    await c?.start();
    await sendSome(500);
    await waitFor('the middle part applied', applied(750));
    await a?.stop();
    await sendSome(500);

    await waitFor('everything applied', applied(1_500), { timeoutMs: 60_000 });
    const report = await effectsReport(harness.pool);
    expect(report.applied).toBe(1_500);
    expect(report.distinct).toBe(1_500);
    expect(report.outOfOrderKeys).toEqual([]);
  }, 120_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKafka, stopKafka } from '@vangnet/infra/kafka';
import { freePort } from '@vangnet/infra/local-stack';
import { EventConsumer, on } from '@vangnet/messaging/consumer';
import { OutboxRelay } from '@vangnet/messaging/relay';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures/harness.ts';
import {
  appendProbes,
  effectsReport,
  type ProbeData,
  pgInbox,
  probeEvent,
  probeMessages,
  recordEffect,
} from './fixtures/probe.ts';

/**
 * The broker goes down mid-stream and comes back. The relay and the consumer
 * are the same objects throughout: they must recover by themselves, and the
 * events committed while the broker was away must arrive, once, in order.
 * The test needs a broker of its own to stop, so it starts one (JDK 17+ and
 * Maven, as the local stack does) beside the shared one.
 */

const EVENTS = 2_000;
const KEYS = 40;
const logger = pino({ level: 'silent' });

let brokerDir: string;
let broker: { dataDir: string; port: number; controllerPort: number; cacheDir: string };
let harness: Harness;
let relay: OutboxRelay | undefined;
let consumer: EventConsumer<pg.PoolClient> | undefined;

beforeAll(async () => {
  brokerDir = await mkdtemp(path.join(tmpdir(), 'vangnet-broker-'));
  broker = {
    dataDir: brokerDir,
    port: await freePort(),
    controllerPort: await freePort(),
    cacheDir: path.join(tmpdir(), 'vangnet-kafka-cache'),
  };
  const { brokers } = await startKafka(broker);
  harness = await createHarness(testInfrastructure(), brokers);
});

afterAll(async () => {
  await consumer?.stop();
  await relay?.stop();
  await harness?.close();
  await stopKafka(brokerDir);
  await rm(brokerDir, { recursive: true, force: true });
});

describe('broker outage', () => {
  it('delivers every event once, in order, across a broker stop and start, without restarting relay or consumer', async () => {
    relay = new OutboxRelay({ pool: harness.pool, kafka: harness.kafka, logger, pollIntervalMs: 200 });
    consumer = new EventConsumer<pg.PoolClient>({
      kafka: harness.kafka,
      groupId: `outage-${harness.topic}`,
      logger,
      inbox: pgInbox(harness.pool),
      sessionTimeoutMs: 6_000,
      handlers: [on(probeEvent(harness.topic), async (data, { tx, event }) => recordEffect(tx, event.id, data))],
    });
    await relay.start();
    await consumer.start();

    const seqByKey = new Map<string, number>();
    const write = async (count: number) => {
      const batch: ProbeData[] = Array.from({ length: count }, (_, index) => {
        const key = `household-${index % KEYS}`;
        const seq = (seqByKey.get(key) ?? -1) + 1;
        seqByKey.set(key, seq);
        return { key, seq };
      });
      await appendProbes(harness.pool, probeMessages(harness.topic, batch));
    };
    const applied = (count: number) => async () => {
      const { distinct } = await effectsReport(harness.pool);
      return distinct >= count ? distinct : undefined;
    };

    for (let i = 0; i < 6; i += 1) await write(100);
    await waitFor('600 applied before the outage', applied(600), { timeoutMs: 30_000 });

    await stopKafka(brokerDir);
    // Committed while the broker is away: these wait in the outbox.
    for (let i = 0; i < 6; i += 1) await write(100);
    const { rows } = await harness.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL',
    );
    expect(rows[0]?.n).toBe(600);

    await startKafka(broker);
    for (let i = 0; i < 8; i += 1) await write(100);

    await waitFor('every event applied after the outage', applied(EVENTS), { timeoutMs: 120_000 });
    expect(await effectsReport(harness.pool)).toEqual({ applied: EVENTS, distinct: EVENTS, outOfOrderKeys: [] });
  }, 240_000);
});

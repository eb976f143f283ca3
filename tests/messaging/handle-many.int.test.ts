import { EventConsumer, on } from '@vangnet/messaging/consumer';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures/harness.ts';
import { effectsReport, type ProbeData, pgInbox, probeEvent, probeRecords, recordEffect } from './fixtures/probe.ts';

/**
 * A handler's handleMany gets a partition's consecutive events in one call
 * (the router routes a file's backlog that way), in offset order, inside
 * the batch's transaction; when it fails, the batch rolls back and the
 * consumer applies the events one at a time with handle, parking only the
 * one that fails there too.
 */

const logger = pino({ level: 'silent' });
let harness: Harness;
const consumers: EventConsumer<pg.PoolClient>[] = [];

beforeAll(async () => {
  harness = await createHarness(testInfrastructure());
});

afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await harness?.close();
});

async function produce(data: ProbeData[]): Promise<void> {
  const producer = harness.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: harness.topic,
    messages: probeRecords(harness.topic, data),
  });
  await producer.disconnect();
}

describe('a handler that applies runs of events at once', () => {
  it('gets consecutive events together, applies each once in per-key order, and falls back to one at a time on a failure', async () => {
    const definition = probeEvent(harness.topic);
    const data: ProbeData[] = [];
    for (let seq = 0; seq < 1_000; seq += 1) {
      const key = `household-${seq % 10}`;
      data.push(seq === 555 ? { key, seq, poison: 'throw' } : { key, seq });
    }
    await produce(data);

    const runSizes: number[] = [];
    const singles: number[] = [];
    const consumer = new EventConsumer<pg.PoolClient>({
      kafka: harness.kafka,
      groupId: `handle-many-${harness.topic}`,
      logger,
      inbox: pgInbox(harness.pool),
      maxAttempts: 2,
      initialBackoffMs: 10,
      handlers: [
        on(
          definition,
          async (probe, { tx, event }) => {
            if (probe.poison) throw new Error('this probe cannot be applied');
            singles.push(probe.seq);
            await recordEffect(tx, event.id, probe);
          },
          {
            handleMany: async (items, tx) => {
              runSizes.push(items.length);
              for (const { data: probe, event } of items) {
                if (probe.poison) throw new Error('this probe cannot be applied');
                await recordEffect(tx, event.id, probe);
              }
            },
          },
        ),
      ],
    });
    consumers.push(consumer);
    await consumer.start();

    await waitFor('every good event applied', async () =>
      (await effectsReport(harness.pool)).distinct >= 999 ? true : undefined,
    );
    expect(await effectsReport(harness.pool)).toEqual({ applied: 999, distinct: 999, outOfOrderKeys: [] });
    // A backlog reached handleMany in runs, not one event at a time.
    expect(Math.max(...runSizes)).toBeGreaterThan(10);
    // Only the poison's chunk went one at a time: the rest of the backlog went through handleMany.
    expect(singles.length).toBeGreaterThan(0);
    expect(singles.length).toBeLessThan(data.length / 2);
    expect(singles).not.toContain(555);
  });
});

import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, FixtureProcess, type Harness } from './fixtures/harness.ts';
import { appendProbes, effectsReport, type ProbeData, probeMessages } from './fixtures/probe.ts';

/**
 * Nothing lost, nothing twice, while the processes that move events die
 * without warning: 5,000 events from the outbox through Kafka to a consumer,
 * with two relays and the consumer SIGKILLed mid-stream and restarted. Some
 * kills come from the test at arbitrary moments; others the processes deal
 * themselves at the worst moment (after the broker's ack, before the outbox
 * row is marked; after the effect committed, before the offset is), which
 * is where duplicates are born.
 */

const EVENTS = 5_000;
const KEYS = 50;
const BATCH = 100;

let harness: Harness;
const processes: FixtureProcess[] = [];

beforeAll(async () => {
  harness = await createHarness(testInfrastructure());
});

afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await harness?.close();
});

const appliedAtLeast = (count: number) => async () => {
  const { distinct } = await effectsReport(harness.pool);
  return distinct >= count ? distinct : undefined;
};

describe('outbox → Kafka → consumer under SIGKILL', () => {
  it('applies exactly the committed events, each once, in per-key order, while relays and consumer are killed', async () => {
    const env = {
      DATABASE_URL: harness.database.url,
      KAFKA_BROKERS: testInfrastructure().kafkaBrokers.join(','),
      TOPIC: harness.topic,
      GROUP_ID: `crash-${harness.topic}`,
    };
    // Two relays: the outbox must stay ordered per key with several instances.
    const relays = [new FixtureProcess('relay-process.ts', env), new FixtureProcess('relay-process.ts', env)];
    const consumer = new FixtureProcess('consumer-process.ts', env);
    processes.push(...relays, consumer);
    relays[0]?.start({ DIE_AFTER_BATCHES: '3' });
    relays[1]?.start();
    consumer.start({ DIE_AFTER_APPLIED: '400' });

    // Producers keep committing while the kills happen.
    const seqByKey = new Map<string, number>();
    const writing = (async () => {
      for (let written = 0; written < EVENTS; written += BATCH) {
        const batch: ProbeData[] = Array.from({ length: BATCH }, (_, index) => {
          const key = `household-${(written + index) % KEYS}`;
          const seq = (seqByKey.get(key) ?? -1) + 1;
          seqByKey.set(key, seq);
          return { key, seq };
        });
        await appendProbes(harness.pool, probeMessages(harness.topic, batch));
        // Pace the writer on the consumer, so the stream is still flowing at every kill.
        await waitFor('the consumer to keep up', appliedAtLeast(Math.max(0, written - 1_000)), { timeoutMs: 60_000 });
      }
    })();

    const killAt = async (applied: number, process: FixtureProcess, restartEnv: Record<string, string> = {}) => {
      await waitFor(`${applied} events applied`, appliedAtLeast(applied), { timeoutMs: 60_000 });
      await process.kill(restartEnv);
    };
    await killAt(1_200, consumer, { DIE_AFTER_APPLIED: '700' });
    await killAt(1_900, relays[1] as FixtureProcess, { DIE_AFTER_BATCHES: '4' });
    await killAt(3_300, relays[0] as FixtureProcess);
    await writing;

    await waitFor('every committed event applied', appliedAtLeast(EVENTS), { timeoutMs: 90_000 });
    const report = await effectsReport(harness.pool);
    const { rows } = await harness.pool.query<{ missing: number; unknown: number }>(
      `SELECT (SELECT count(*)::int FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM effects e WHERE e.event_id = o.event_id::text)) AS missing,
              (SELECT count(*)::int FROM effects e WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id::text = e.event_id)) AS unknown`,
    );

    // Each relay and the consumer died at least twice: once from outside, once at its worst moment.
    for (const process of [...relays, consumer]) expect(process.kills).toBeGreaterThanOrEqual(2);
    const duplicatesDropped = await harness.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox');
    expect(duplicatesDropped.rows[0]?.n).toBe(EVENTS);
    expect(rows[0]).toEqual({ missing: 0, unknown: 0 });
    expect(report).toEqual({ applied: EVENTS, distinct: EVENTS, outOfOrderKeys: [] });
  }, 240_000);
});

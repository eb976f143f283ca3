import { databaseUrl } from '@vangnet/db/admin';
import { EventConsumer, on } from '@vangnet/messaging/consumer';
import type { Kafka } from '@vangnet/messaging/kafka';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './fixtures/harness.ts';
import { effectsReport, type ProbeData, pgInbox, probeEvent, probeRecords, recordEffect } from './fixtures/probe.ts';

/**
 * The database goes away mid-stream and comes back, twice: its connections
 * are terminated and new ones refused (ALLOW_CONNECTIONS false; the shared
 * server keeps running for the other files). Events arrive on the broker
 * meanwhile. An outage is not poison: the events wait for the database, in
 * their batches and one at a time, longer than the session timeout and
 * through a rebalance, and each is applied once, in order per key, with
 * nothing dead-lettered.
 */

const KEYS = 30;
const SESSION_TIMEOUT_MS = 6_000;
/** Attempts at 50 ms doubling up to 1 s: about 8.5 s of waiting, past the session timeout. */
const ATTEMPTS_PAST_SESSION_TIMEOUT = 12;

interface LogEntry {
  msg?: string;
  transient?: boolean;
  attempt?: number;
  retryInMs?: number;
  eventId?: string;
  events?: number;
}

const entries: LogEntry[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => entries.push(JSON.parse(line) as LogEntry) });

let harness: Harness;
let admin: pg.Client;
let databaseName: string;
const consumers: EventConsumer<pg.PoolClient>[] = [];

/** The same client, but every consumer it makes reports its group joins (member id and partitions). */
type Join = { memberId: string; partitions: number };

function observed(kafka: Kafka, joins: Join[]): Kafka {
  return new Proxy(kafka, {
    get(target, property, receiver) {
      if (property !== 'consumer') return Reflect.get(target, property, receiver);
      return (config: Parameters<Kafka['consumer']>[0]) => {
        const consumer = target.consumer(config);
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
          const partitions = Object.values(payload.memberAssignment).flat().length;
          joins.push({ memberId: payload.memberId, partitions });
        });
        return consumer;
      };
    },
  });
}

const closeDatabase = async () => {
  await admin.query(`ALTER DATABASE "${databaseName}" WITH ALLOW_CONNECTIONS false`);
  // With a timeout, pg_terminate_backend returns once each backend is gone.
  await admin.query(
    'SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [databaseName],
  );
};
const openDatabase = () => admin.query(`ALTER DATABASE "${databaseName}" WITH ALLOW_CONNECTIONS true`);

beforeAll(async () => {
  harness = await createHarness(testInfrastructure());
  databaseName = new URL(harness.database.url).pathname.slice(1);
  admin = new pg.Client({ connectionString: databaseUrl(testInfrastructure().postgresServerUrl, 'postgres') });
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await openDatabase().catch(() => undefined);
  await admin?.end();
  await harness?.close();
});

describe('database outage', () => {
  it('waits out the outage, in batches and one at a time, past the session timeout and a rebalance, and applies every event once, in order, none dead-lettered', async () => {
    const definition = probeEvent(harness.topic);
    const groupId = `db-outage-${harness.topic}`;
    let triggered = false;
    const makeConsumer = (joins: Join[]) => {
      const consumer = new EventConsumer<pg.PoolClient>({
        kafka: observed(harness.kafka, joins),
        groupId,
        logger,
        inbox: pgInbox(harness.pool),
        // The old consumer dead-letters an event of the outage after 3 tries and 150 ms.
        maxAttempts: 3,
        initialBackoffMs: 50,
        maxBackoffMs: 1_000,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        handlers: [
          on(definition, async (data, { tx, event }) => {
            // The trigger closes the database from inside its batch and then
            // fails for a reason of its own: the batch falls back to one event
            // at a time, and those meet the outage one by one.
            if (data.poison === 'throw' && !triggered) {
              triggered = true;
              await closeDatabase();
              throw new Error('the trigger fails once, after closing the database');
            }
            await recordEffect(tx, event.id, data);
          }),
        ],
      });
      consumers.push(consumer);
      return consumer;
    };

    const seqByKey = new Map<string, number>();
    const next = (count: number): ProbeData[] =>
      Array.from({ length: count }, (_, index) => {
        const key = `household-${index % KEYS}`;
        const seq = (seqByKey.get(key) ?? -1) + 1;
        seqByKey.set(key, seq);
        return { key, seq };
      });
    const producer = harness.kafka.producer();
    await producer.connect();
    const produce = (data: ProbeData[]) =>
      producer.send({
        topic: harness.topic,
        messages: probeRecords(harness.topic, data),
      });
    const groups = harness.kafka.admin();
    await groups.connect();
    const deadLetters = async () =>
      (await groups.fetchTopicOffsets(`${harness.topic}.dlq`)).reduce((sum, { high }) => sum + Number(high), 0);
    /** Until some event (or batch) has waited past the session timeout; 'dead-lettered' at the first dead letter. */
    const waitedPastSessionTimeout = (description: string, kind: 'eventId' | 'events') =>
      waitFor(
        description,
        async () => {
          if ((await deadLetters()) > 0) return 'dead-lettered';
          const waited = entries.some(
            (entry) =>
              entry.transient && entry[kind] !== undefined && (entry.attempt ?? 0) >= ATTEMPTS_PAST_SESSION_TIMEOUT,
          );
          return waited ? 'waited' : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    const expectSoleStableMember = async (joins: Join[]) => {
      expect(joins).toHaveLength(1);
      const [group] = (await groups.describeGroups([groupId])).groups;
      expect(group?.state).toBe('Stable');
      expect(group?.members.map((member) => member.memberId)).toEqual([joins[0]?.memberId]);
    };

    try {
      const firstJoins: Join[] = [];
      await makeConsumer(firstJoins).start();
      await produce(next(300));
      await waitFor(
        '300 applied before the outage',
        async () => ((await effectsReport(harness.pool)).distinct >= 300 ? true : undefined),
        { timeoutMs: 60_000 },
      );

      // Batches: the database is closed, then 300 events and the trigger arrive.
      await closeDatabase();
      const during = next(300);
      const [trigger] = next(1);
      if (!trigger) throw new Error('no trigger');
      await produce([...during, { ...trigger, poison: 'throw' }]);
      expect(await waitedPastSessionTimeout('batches waiting past the session timeout', 'events')).toBe('waited');
      // Heartbeats between attempts kept the member in the group with its partitions.
      await expectSoleStableMember(firstJoins);

      // One at a time: the database is back, and the trigger's batch closes it again.
      await openDatabase();
      await waitFor('the trigger', async () => (triggered ? true : undefined), { timeoutMs: 30_000 });
      expect(await waitedPastSessionTimeout('an event waiting past the session timeout', 'eventId')).toBe('waited');
      await expectSoleStableMember(firstJoins);

      // A second member joins: the first learns of the rebalance from the
      // failing heartbeat between two attempts of the event in hand, which
      // must not park it; its loops over partitions that moved stop rather
      // than apply beside the new owner.
      const secondJoins: Join[] = [];
      await makeConsumer(secondJoins).start();
      await waitFor(
        'the group rebalanced over both members',
        async () => (firstJoins.length >= 2 && secondJoins.length >= 1 ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      expect(await deadLetters()).toBe(0);

      await openDatabase();
      await waitFor(
        'every event applied after the outage',
        async () => ((await effectsReport(harness.pool)).distinct >= 601 ? true : undefined),
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      expect(await effectsReport(harness.pool)).toEqual({ applied: 601, distinct: 601, outOfOrderKeys: [] });
      expect(await deadLetters()).toBe(0);
    } finally {
      await producer.disconnect();
      await groups.disconnect();
    }
  }, 240_000);

  it('stops at once while an event waits for the database, however long the wait, and parks nothing', async () => {
    const definition = probeEvent(harness.topic);
    const groups = harness.kafka.admin();
    await groups.connect();
    const producer = harness.kafka.producer();
    await producer.connect();
    const consumer = new EventConsumer<pg.PoolClient>({
      kafka: harness.kafka,
      groupId: `db-outage-stop-${harness.topic}`,
      logger,
      inbox: pgInbox(harness.pool),
      // The wait after the first failure is far longer than the test may take.
      initialBackoffMs: 600_000,
      maxBackoffMs: 600_000,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      handlers: [on(definition, async (data, { tx, event }) => recordEffect(tx, event.id, data))],
    });
    consumers.push(consumer);
    try {
      await consumer.startNewGroupAtEnd(groups);
      await consumer.start();
      const seen = entries.length;
      await closeDatabase();
      await producer.send({
        topic: harness.topic,
        messages: probeRecords(harness.topic, [{ key: 'household-stop', seq: 0 }]),
      });
      await waitFor(
        'the event waiting to be tried again',
        async () => (entries.slice(seen).some((entry) => entry.retryInMs !== undefined) ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 100 },
      );

      let stopped = false;
      const stopping = consumer.stop().then(() => {
        stopped = true;
      });
      await waitFor('the consumer stopped', async () => (stopped ? true : undefined), { timeoutMs: 15_000 });
      await stopping;
      const dlq = await groups.fetchTopicOffsets(`${harness.topic}.dlq`);
      expect(dlq.reduce((sum, { high }) => sum + Number(high), 0)).toBe(0);
    } finally {
      await openDatabase();
      await producer.disconnect();
      await groups.disconnect();
    }
  }, 120_000);
});

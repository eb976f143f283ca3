/**
 * Benchmark of the delivery path (outbox → relay → Kafka → consumer → inbox)
 * against bare kafkajs in the same run. A benchmark, not a test: it asserts
 * nothing about time, it measures and writes bench/results/messaging.json.
 *
 *   pnpm bench:messaging
 *
 * (a)  throughput of OutboxRelay: rows inserted first, then the relay is
 *      started and timed until every row is published;
 * (a') the same messages sent by a bare kafkajs producer with the relay's
 *      settings (idempotent, one request in flight, acks all, same batches);
 * (c)  how fast one EventConsumer applies a backlog, against a bare
 *      kafkajs consumer: the rate above which (b) is a queue, not a latency;
 * (b)  latency from an outbox row's COMMIT to the moment EventConsumer's
 *      inbox transaction applying it committed, at a fixed write rate
 *      below (c);
 * (b') latency from a bare producer's send() to a bare consumer's
 *      eachMessage, at the same rate.
 *
 * Relay, consumer and writer share this process (and the machine with
 * PostgreSQL and the broker): the figures include that contention, which a
 * service instance on its own box would not have.
 *
 * Knobs (environment): BENCH_EVENTS, BENCH_ROUNDS, BENCH_RATE, BENCH_SECONDS, BENCH_KEYS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventConsumer, type Inbox, on } from '@vangnet/messaging/consumer';
import { createKafka, type Kafka, producerOptions } from '@vangnet/messaging/kafka';
import type { OutboxMessage } from '@vangnet/messaging/outbox';
import { OutboxRelay } from '@vangnet/messaging/relay';
import {
  type Distribution,
  distribution,
  intFromEnv,
  loadAverage,
  machine,
  median,
  paced,
  round,
  runBench,
  sleep,
  table,
  until,
} from '@vangnet/testing/bench';
import { createTestDatabase } from '@vangnet/testing/database';
import { startTestInfrastructure } from '@vangnet/testing/infrastructure';
import pg from 'pg';
import pino from 'pino';
import { createSchema, pgInbox } from '../messaging/fixtures/probe.ts';
import { bareLatency } from './bare-latency.ts';
import { benchEvent, makeMessages, messageBytes, NOTE_CHARS, toKafkaMessage } from './bench-messages.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const resultsFile = path.join(repoRoot, 'bench', 'results', 'messaging.json');

const config = {
  throughputEvents: intFromEnv('BENCH_EVENTS', 20_000),
  /** Each round times both paths once (alternating which goes first); the median is reported. */
  throughputRounds: intFromEnv('BENCH_ROUNDS', 3),
  /** Untimed events through each path first: JIT, connections, topic metadata. */
  throughputWarmupEvents: 2_000,
  /**
   * Below what one EventConsumer sustains here (see capacity), or (b)
   * measures a queue growing for the whole run instead of a latency.
   */
  latencyRate: intFromEnv('BENCH_RATE', 50),
  latencySeconds: intFromEnv('BENCH_SECONDS', 20),
  latencyWarmupEvents: 100,
  /** Aggregates (message keys); events spread round-robin over them. */
  keys: intFromEnv('BENCH_KEYS', 1_000),
  /**
   * Backlog events one EventConsumer applies for (c), and a bare consumer reads for (c'); many of the
   * consumer's batches (up to 200 events a transaction), or (c) times one batch.
   */
  capacityEvents: 10_000,
  bareCapacityEvents: 20_000,
  partitions: 6,
  /** The relay's default batch, passed explicitly so the baseline sends the same batches. */
  batchSize: 500,
  noteChars: NOTE_CHARS,
  /** Give up waiting for a phase to drain after this long and report what arrived. */
  drainTimeoutMs: 60_000,
};

const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' }, pino.destination(2));

async function insertOutbox(pool: pg.Pool, messages: OutboxMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 2_000) {
    const chunk = messages.slice(start, start + 2_000);
    await pool.query(
      `INSERT INTO outbox (event_id, topic, message_key, headers, payload)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])`,
      [
        chunk.map((m) => m.eventId),
        chunk.map((m) => m.topic),
        chunk.map((m) => m.messageKey),
        chunk.map((m) => JSON.stringify(m.headers)),
        chunk.map((m) => JSON.stringify(m.payload)),
      ],
    );
  }
}

/** One small transaction per event, as a request handler writes its state change and event. */
async function writeInTransaction(pool: pg.Pool, message: OutboxMessage): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO outbox (event_id, topic, message_key, headers, payload)
       VALUES ($1::uuid, $2, $3, $4::jsonb, $5::jsonb)`,
      [
        message.eventId,
        message.topic,
        message.messageKey,
        JSON.stringify(message.headers),
        JSON.stringify(message.payload),
      ],
    );
    await client.query('COMMIT');
    return performance.now();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface Context {
  databaseUrl: string;
  pool: pg.Pool;
  kafka: Kafka;
  runId: string;
  caseIds: string[];
}

function relayFor(ctx: Context): OutboxRelay {
  return new OutboxRelay({ pool: ctx.pool, kafka: ctx.kafka, logger, batchSize: config.batchSize });
}

/** (a) Rows are all committed first; the clock runs from relay.start() until the last row is published. */
async function timeRelay(ctx: Context, messages: OutboxMessage[]): Promise<number> {
  await ctx.pool.query('TRUNCATE outbox');
  await insertOutbox(ctx.pool, messages);
  await ctx.pool.query('VACUUM ANALYZE outbox');
  const relay = relayFor(ctx);
  const started = performance.now();
  await relay.start();
  const done = await until(() => relay.published >= messages.length, config.drainTimeoutMs, 1);
  const elapsed = performance.now() - started;
  await relay.stop();
  if (!done) throw new Error(`relay published ${relay.published} of ${messages.length} in ${config.drainTimeoutMs} ms`);
  return elapsed;
}

/** (a') The same messages in the same batches, one batch in flight, from a bare producer; connect included as in (a). */
async function timeRawProducer(ctx: Context, messages: OutboxMessage[], topic: string): Promise<number> {
  const started = performance.now();
  const producer = ctx.kafka.producer({ ...producerOptions, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let start = 0; start < messages.length; start += config.batchSize) {
    const batch = messages.slice(start, start + config.batchSize);
    await producer.sendBatch({ topicMessages: [{ topic, messages: batch.map(toKafkaMessage) }], acks: -1 });
  }
  const elapsed = performance.now() - started;
  await producer.disconnect();
  return elapsed;
}

async function topicMessageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function throughput(ctx: Context, topics: { relay: string; raw: string }) {
  const definition = benchEvent(topics.relay);
  const seqByKey = new Map<string, number>();
  const warmup = makeMessages(definition, ctx.caseIds, config.throughputWarmupEvents, seqByKey);
  await timeRelay(ctx, warmup);
  await timeRawProducer(ctx, warmup, topics.raw);

  const relayMs: number[] = [];
  const rawMs: number[] = [];
  for (let round = 0; round < config.throughputRounds; round += 1) {
    const messages = makeMessages(definition, ctx.caseIds, config.throughputEvents, seqByKey);
    // Alternate which path goes first, so neither always meets a broker busy with the other's segments.
    if (round % 2 === 0) {
      relayMs.push(await timeRelay(ctx, messages));
      rawMs.push(await timeRawProducer(ctx, messages, topics.raw));
    } else {
      rawMs.push(await timeRawProducer(ctx, messages, topics.raw));
      relayMs.push(await timeRelay(ctx, messages));
    }
    progress(
      `throughput round ${round + 1}/${config.throughputRounds}: relay ${rate(relayMs.at(-1))}/s, raw ${rate(rawMs.at(-1))}/s`,
    );
  }
  const expected = config.throughputWarmupEvents + config.throughputEvents * config.throughputRounds;
  const onTopics = {
    relay: await topicMessageCount(ctx.kafka, topics.relay),
    raw: await topicMessageCount(ctx.kafka, topics.raw),
  };
  if (onTopics.relay !== expected || onTopics.raw !== expected)
    throw new Error(`expected ${expected} messages on each topic, found ${JSON.stringify(onTopics)}`);

  const runs = (ms: number[]) => ms.map((elapsed) => ({ ms: round(elapsed, 1), eventsPerSecond: rate(elapsed) }));
  const relay = rate(median(relayMs));
  const raw = rate(median(rawMs));
  return {
    eventsPerRound: config.throughputEvents,
    rounds: config.throughputRounds,
    warmupEvents: config.throughputWarmupEvents,
    batchSize: config.batchSize,
    outboxRelay: { eventsPerSecond: relay, runs: runs(relayMs) },
    rawProducer: { eventsPerSecond: raw, runs: runs(rawMs) },
    ratio: round(relay / raw, 3),
    messagesOnTopics: onTopics,
  };
}

function rate(elapsedMs: number | undefined): number {
  return elapsedMs === undefined ? NaN : Math.round(config.throughputEvents / (elapsedMs / 1_000));
}

/** Timestamps (performance.now(), ms) of one event along the path. */
interface Stamps {
  committed?: number;
  handlerStarted?: number;
  applied?: number;
  offsetCommitted?: number;
}

/**
 * The tests' plain-pg inbox, with the moments the bench needs: when the
 * consumer hands the event over and when the transaction applying it has
 * committed.
 */
function timedInbox(pool: pg.Pool, stamps: Map<string, Stamps>, recordAll: boolean): Inbox<pg.PoolClient> {
  const inbox = pgInbox(pool);
  return {
    async runOnce(group, eventId, work) {
      const started = performance.now();
      const outcome = await inbox.runOnce(group, eventId, work);
      if (outcome === 'duplicate') return outcome;
      const applied = performance.now();
      let entry = stamps.get(eventId);
      if (!entry && recordAll) {
        entry = {};
        stamps.set(eventId, entry);
      }
      if (entry) {
        entry.handlerStarted = started;
        entry.applied = applied;
      }
      return outcome;
    },
    async runBatch(group, eventIds, work) {
      const started = performance.now();
      const fresh = await inbox.runBatch(group, eventIds, work);
      const applied = performance.now();
      for (const eventId of fresh) {
        let entry = stamps.get(eventId);
        if (!entry && recordAll) {
          entry = {};
          stamps.set(eventId, entry);
        }
        if (entry) {
          entry.handlerStarted = started;
          entry.applied = applied;
        }
      }
      return fresh;
    },
  };
}

/**
 * An EventConsumer with the bench handler (one insert into effects) over the
 * timed inbox; with `runs`, the handler also takes a run of events at once
 * (handleMany: one insert for all, as the router and referrals' assignment do).
 */
function benchConsumer(
  ctx: Context,
  topic: string,
  groupId: string,
  stamps: Map<string, Stamps>,
  recordAll = false,
  runs = false,
) {
  const definition = benchEvent(topic);
  const outcomes = { applied: 0, other: 0 };
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 4 });
  const consumer = new EventConsumer<pg.PoolClient>({
    kafka: ctx.kafka,
    groupId,
    logger,
    inbox: timedInbox(pool, stamps, recordAll),
    handlers: [
      on(
        definition,
        async (data, { tx, event }) => {
          await tx.query('INSERT INTO effects (event_id, key, seq) VALUES ($1, $2, $3)', [
            event.id,
            data.caseId,
            data.seq,
          ]);
        },
        runs
          ? {
              handleMany: async (items, tx) => {
                await tx.query(
                  'INSERT INTO effects (event_id, key, seq) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])',
                  [
                    items.map(({ event }) => event.id),
                    items.map(({ data }) => data.caseId),
                    items.map(({ data }) => data.seq),
                  ],
                );
              },
            }
          : {},
      ),
    ],
  });
  consumer.onOutcome((outcome, event) => {
    if (outcome === 'applied') outcomes.applied += 1;
    else outcomes.other += 1;
    const entry = event.id ? stamps.get(event.id) : undefined;
    if (entry) entry.offsetCommitted = performance.now();
  });
  return {
    consumer,
    outcomes,
    close: async () => {
      await consumer.stop();
      await pool.end();
    },
  };
}

/** (b) Commit of the outbox row → commit of the inbox transaction that applied it. */
async function outboxLatency(ctx: Context, topic: string) {
  await ctx.pool.query('TRUNCATE outbox, effects');
  const definition = benchEvent(topic);
  const stamps = new Map<string, Stamps>();
  const { consumer, outcomes, close } = benchConsumer(ctx, topic, `bench-outbox-${ctx.runId}`, stamps);
  const relay = relayFor(ctx);
  const writers = new pg.Pool({ connectionString: ctx.databaseUrl, max: 4 });
  const seqByKey = new Map<string, number>();
  try {
    await consumer.start();
    await relay.start();

    // Warm-up also waits out the group join: the clock starts with partitions assigned.
    const warmup = makeMessages(definition, ctx.caseIds, config.latencyWarmupEvents, seqByKey);
    await paced(warmup, config.latencyRate, async (message) => {
      await writeInTransaction(writers, message);
    });
    if (!(await until(() => outcomes.applied >= warmup.length, config.drainTimeoutMs, 5)))
      throw new Error(`outbox warm-up: ${outcomes.applied} of ${warmup.length} applied`);

    const count = config.latencyRate * config.latencySeconds;
    const messages = makeMessages(definition, ctx.caseIds, count, seqByKey);
    for (const message of messages) stamps.set(message.eventId, {});
    const writeStarted = performance.now();
    const achievedRate = await paced(messages, config.latencyRate, async (message) => {
      const committed = await writeInTransaction(writers, message);
      const entry = stamps.get(message.eventId);
      if (entry) entry.committed = committed;
    });
    const complete = () => [...stamps.values()].every((entry) => entry.offsetCommitted !== undefined);
    const drained = await until(complete, config.drainTimeoutMs, 10);
    const drainMs = performance.now() - writeStarted;
    const full = [...stamps.values()].filter(
      (entry): entry is Required<Stamps> =>
        entry.committed !== undefined && entry.applied !== undefined && entry.offsetCommitted !== undefined,
    );
    const effects = await ctx.pool.query<{ rows: number; distinct: number }>(
      'SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM effects',
    );
    return {
      events: count,
      achievedWriteRate: Math.round(achievedRate),
      complete: drained,
      measured: full.length,
      wallClockMsUntilAllApplied: round(drainMs, 1),
      commitToApplied: distribution(full.map((e) => e.applied - e.committed)),
      breakdown: {
        commitToHandlerStart: distribution(full.map((e) => e.handlerStarted - e.committed)),
        inboxTransaction: distribution(full.map((e) => e.applied - e.handlerStarted)),
        appliedToOffsetCommitted: distribution(full.map((e) => e.offsetCommitted - e.applied)),
        commitToOffsetCommitted: distribution(full.map((e) => e.offsetCommitted - e.committed)),
      },
      outcomes,
      effects: effects.rows[0],
    };
  } finally {
    await relay.stop();
    await close();
    await writers.end();
  }
}

/**
 * (c) How fast one EventConsumer applies a backlog (the throughput topic's
 * events), from its first applied event on so the group join is not counted;
 * and (c') a bare kafkajs consumer reading the same backlog. This is the
 * rate above which (b) measures a growing queue instead of a latency.
 */
async function consumerCapacity(ctx: Context, topic: string, runs = false) {
  const stamps = new Map<string, Stamps>();
  const group = `bench-capacity-${runs ? 'runs-' : ''}${ctx.runId}`;
  const { consumer, outcomes, close } = benchConsumer(ctx, topic, group, stamps, true, runs);
  let eventConsumer: { events: number; ms: number };
  try {
    await consumer.start();
    if (!(await until(() => outcomes.applied >= 1, config.drainTimeoutMs, 1)))
      throw new Error('capacity: no event applied');
    const from = outcomes.applied;
    const first = performance.now();
    stamps.clear();
    const done = await until(() => outcomes.applied >= from + config.capacityEvents, config.drainTimeoutMs, 1);
    eventConsumer = { events: outcomes.applied - from, ms: performance.now() - first };
    if (!done) progress(`capacity: only ${eventConsumer.events} of ${config.capacityEvents} applied in time`);
  } finally {
    await close();
  }

  let received = 0;
  let firstAt = 0;
  let lastAt = 0;
  const bare = ctx.kafka.consumer({ groupId: `${group}-raw`, allowAutoTopicCreation: false });
  try {
    await bare.connect();
    await bare.subscribe({ topics: [topic], fromBeginning: true });
    await bare.run({
      eachMessage: async () => {
        received += 1;
        if (received === 1) firstAt = performance.now();
        if (received === config.bareCapacityEvents + 1) lastAt = performance.now();
      },
    });
    await until(() => lastAt > 0, config.drainTimeoutMs, 1);
  } finally {
    await bare.disconnect();
  }
  const timed = [...stamps.values()].filter(
    (entry): entry is Required<Omit<Stamps, 'committed'>> =>
      entry.handlerStarted !== undefined && entry.applied !== undefined && entry.offsetCommitted !== undefined,
  );
  const bareEvents = lastAt > 0 ? config.bareCapacityEvents : received - 1;
  const eventConsumerRate = eventConsumer.events / (eventConsumer.ms / 1_000);
  const bareRate = bareEvents / (((lastAt || performance.now()) - firstAt) / 1_000);
  return {
    eventConsumer: {
      events: eventConsumer.events,
      eventsPerSecond: Math.round(eventConsumerRate),
      msPerEvent: round(eventConsumer.ms / eventConsumer.events),
      inboxTransaction: distribution(timed.map((e) => e.applied - e.handlerStarted)),
      offsetCommit: distribution(timed.map((e) => e.offsetCommitted - e.applied)),
    },
    bareConsumer: { events: bareEvents, eventsPerSecond: Math.round(bareRate) },
    ratio: round(eventConsumerRate / bareRate, 4),
  };
}

/**
 * Creates the run's topics and waits until every partition has a leader.
 * Not kafkajs's waitForLeaders: it retries only LEADER_NOT_AVAILABLE, while
 * a KRaft broker under load may first answer UNKNOWN_TOPIC_OR_PARTITION.
 */
async function createBenchTopics(admin: ReturnType<Kafka['admin']>, topics: string[]): Promise<void> {
  const partitionsOf = (topic: string) => (topic.endsWith('.dlq') ? 1 : config.partitions);
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitionsOf(topic) })),
    waitForLeaders: false,
  });
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.every(
        (topic) => topic.partitions.length === partitionsOf(topic.name) && topic.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    if (performance.now() > deadline) throw new Error(`topics without leaders after 30 s: ${topics.join(', ')}`);
    await sleep(100);
  }
}

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function ratios(outbox: Distribution, baseline: Distribution) {
  return {
    p50: round(outbox.p50 / baseline.p50, 2),
    p99: round(outbox.p99 / baseline.p99, 2),
    p999: round(outbox.p999 / baseline.p999, 2),
  };
}

function summary(result: Awaited<ReturnType<typeof run>>): string {
  const { throughput: t, latency: l, consumerCapacity: c } = result;
  const ms = (value: number) => value.toFixed(1);
  const o = l.outbox.commitToApplied;
  const b = l.baseline.produceToConsumed;
  const lines = [
    `messaging bench: node ${result.machine.node}, ${result.machine.cpus} cpus, ${result.infrastructure.source}, ${result.date}`,
    '',
    table([
      ['throughput (events/s)', 'outbox', 'baseline', 'ratio'],
      [
        `${t.eventsPerRound} events, median of ${t.rounds}`,
        String(t.outboxRelay.eventsPerSecond),
        String(t.rawProducer.eventsPerSecond),
        t.ratio.toFixed(3),
      ],
    ]),
    '',
    table([
      ['consumer capacity (events/s)', 'outbox', 'baseline', 'ratio'],
      [
        'backlog, one consumer',
        String(c.eventConsumer.eventsPerSecond),
        String(c.bareConsumer.eventsPerSecond),
        c.ratio.toFixed(4),
      ],
      [
        'backlog, handler takes runs (handleMany)',
        String(result.consumerCapacityRuns.eventConsumer.eventsPerSecond),
        String(result.consumerCapacityRuns.bareConsumer.eventsPerSecond),
        result.consumerCapacityRuns.ratio.toFixed(4),
      ],
    ]),
    `  EventConsumer per event: ${ms(c.eventConsumer.msPerEvent)} ms, of which inbox tx p50 ${ms(c.eventConsumer.inboxTransaction.p50)}, offset commit p50 ${ms(c.eventConsumer.offsetCommit.p50)}`,
    '',
    table([
      [`latency (ms) at ${l.rate}/s`, 'outbox', 'baseline', 'ratio'],
      ['p50', ms(o.p50), ms(b.p50), String(l.ratio.p50)],
      ['p99', ms(o.p99), ms(b.p99), String(l.ratio.p99)],
      ['p99.9', ms(o.p999), ms(b.p999), String(l.ratio.p999)],
      ['max', ms(o.max), ms(b.max), ''],
    ]),
    `  outbox: commit → inbox commit, ${l.outbox.measured}/${l.outbox.events} events at ${l.outbox.achievedWriteRate}/s (consumer utilization ${l.consumerUtilization})`,
    `  baseline: send() → eachMessage, ${l.baseline.measured}/${l.baseline.events} events at ${l.baseline.achievedSendRate}/s`,
    `  outbox p50 split: commit → handler ${ms(l.outbox.breakdown.commitToHandlerStart.p50)}, inbox tx ${ms(l.outbox.breakdown.inboxTransaction.p50)}, then offset commit ${ms(l.outbox.breakdown.appliedToOffsetCommitted.p50)}`,
    '',
    `written to ${path.relative(repoRoot, resultsFile)}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function run() {
  const loadAtStart = loadAverage();
  const benchStarted = performance.now();
  const infrastructure = await startTestInfrastructure();
  progress(`infrastructure (${infrastructure.source}) up in ${Math.round(performance.now() - benchStarted)} ms`);
  const database = await createTestDatabase(infrastructure.postgresServerUrl, 'bench');
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'bench-messaging', logger });
  const runId = randomBytes(4).toString('hex');
  const base = `bench.messaging.${runId}`;
  const topics = {
    throughputRelay: `${base}.throughput-outbox`,
    throughputRaw: `${base}.throughput-raw`,
    latencyOutbox: `${base}.latency-outbox`,
    latencyRaw: `${base}.latency-raw`,
  };
  // EventConsumer dead-letters to <topic>.dlq: the topics it reads get one.
  const allTopics = [...Object.values(topics), `${topics.latencyOutbox}.dlq`, `${topics.throughputRaw}.dlq`];
  const admin = kafka.admin();
  try {
    // The outbox, inbox and effects tables the messaging proofs use.
    await createSchema(pool);
    const postgresVersion = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]
      ?.server_version;
    await admin.connect();
    await createBenchTopics(admin, allTopics);
    const ctx: Context = {
      databaseUrl: database.url,
      pool,
      kafka,
      runId,
      caseIds: Array.from({ length: config.keys }, () => randomUUID()),
    };

    const throughputResult = await throughput(ctx, { relay: topics.throughputRelay, raw: topics.throughputRaw });
    progress(`consumer capacity: ${config.capacityEvents} backlog events through one EventConsumer`);
    const capacity = await consumerCapacity(ctx, topics.throughputRaw);
    progress(`consumer capacity: the same backlog with a handler that takes runs at once (handleMany)`);
    const capacityRuns = await consumerCapacity(ctx, topics.throughputRaw, true);
    progress(`latency: outbox path, ${config.latencyRate}/s for ${config.latencySeconds} s`);
    const outbox = await outboxLatency(ctx, topics.latencyOutbox);
    progress(`latency: bare kafkajs, ${config.latencyRate}/s for ${config.latencySeconds} s`);
    const baseline = await bareLatency({
      kafka,
      topic: topics.latencyRaw,
      groupId: `bench-raw-${runId}`,
      caseIds: ctx.caseIds,
      rate: config.latencyRate,
      seconds: config.latencySeconds,
      warmupEvents: config.latencyWarmupEvents,
      drainTimeoutMs: config.drainTimeoutMs,
    });

    return {
      benchmark: 'messaging',
      date: new Date().toISOString(),
      machine: machine(loadAtStart),
      infrastructure: {
        source: infrastructure.source,
        postgres: postgresVersion,
        kafkaBrokers: infrastructure.kafkaBrokers.length,
        note: 'PostgreSQL, the broker and the bench (relay, consumer, writers) share this machine',
      },
      config: { ...config, messageBytes: messageBytes(ctx.caseIds) },
      throughput: throughputResult,
      consumerCapacity: capacity,
      consumerCapacityRuns: capacityRuns,
      latency: {
        rate: config.latencyRate,
        seconds: config.latencySeconds,
        /** Write rate over what one EventConsumer sustains: near 1, (b) is mostly queueing. */
        consumerUtilization: round(config.latencyRate / capacity.eventConsumer.eventsPerSecond, 2),
        outbox,
        baseline,
        ratio: ratios(outbox.commitToApplied, baseline.produceToConsumed),
      },
      benchSeconds: 0,
    };
  } finally {
    await admin.deleteTopics({ topics: allTopics }).catch((error) => logger.warn({ err: error }, 'deleting topics'));
    await admin.disconnect();
    await pool.end();
    await database.drop().catch((error) => logger.warn({ err: error }, 'dropping the bench database'));
    await infrastructure.stop();
  }
}

await runBench(run, resultsFile, summary);

/**
 * kafkajs 2.2.4 (the adapter today, unmaintained) against @platformatic/kafka
 * on one broker in one run. A benchmark, not a test: it asserts nothing
 * about time; it measures and writes bench/results/kafka-clients.json.
 *
 *   pnpm bench:kafka-clients
 *
 * Throughput (same 20,000-message rounds, message sizes and batches of 500
 * as bench:messaging's bare kafkajs figures; median of BENCH_ROUNDS, the
 * clients alternating which goes first):
 *   produceBare        acks=1, not idempotent, one batch in flight;
 *   produceIdempotent  idempotent, acks=all, one batch in flight (the relay's settings);
 *   consume            a fresh group reading a 20,000-message backlog.
 * Faults (per client, a producer at BENCH_FAULT_RATE messages/s):
 *   memberKill     a group of two member processes (member.ts), one SIGKILLed
 *                  a third into the stream: time until the survivor rejoined
 *                  and until it applied the dead member's partitions again,
 *                  messages missing (never applied), duplicates;
 *   brokerRestart  one member; the broker stopped a third into the stream and
 *                  started again, producer and consumer objects kept: time until
 *                  both work again, missing, duplicates.
 *
 * The bench starts its own single KRaft broker with the local stack's
 * startKafka (the same jars and settings the tests' local stack uses), so it
 * can stop and start it; PostgreSQL is not needed.
 *
 * Knobs (environment): BENCH_EVENTS, BENCH_ROUNDS, BENCH_FAULT_EVENTS, BENCH_FAULT_RATE.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import {
  compatibilityPartitioner,
  Consumer as PlatformaticConsumer,
  Producer as PlatformaticProducer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { startKafka, stopKafka } from '@vangnet/infra/kafka';
import { freePort } from '@vangnet/infra/local-stack';
import { platformaticRetries } from '@vangnet/messaging/adapters/platformatic';
import { producerOptions } from '@vangnet/messaging/kafka';
import { intFromEnv, loadAverage, machine, median, round, runBench, table } from '@vangnet/testing/bench';
import { Kafka, logLevel } from 'kafkajs';
import { type BenchKafkaMessage, benchEvent, makeMessages, messageBytes, toKafkaMessage } from './bench-messages.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const resultsFile = path.join(repoRoot, 'bench', 'results', 'kafka-clients.json');
const memberScript = path.join(import.meta.dirname, 'kafka-clients', 'member.ts');

const config = {
  events: intFromEnv('BENCH_EVENTS', 20_000),
  rounds: intFromEnv('BENCH_ROUNDS', 5),
  warmupEvents: 2_000,
  batchSize: 500,
  partitions: 6,
  keys: 1_000,
  faultEvents: intFromEnv('BENCH_FAULT_EVENTS', 9_000),
  faultRate: intFromEnv('BENCH_FAULT_RATE', 600),
  /** Messages per send in the fault runs (one send every batch/rate seconds). */
  faultBatch: 10,
  /** The services' consumers use 30 s; shorter here so a run waits less for a dead member. */
  sessionTimeoutMs: 6_000,
  drainTimeoutMs: 90_000,
};

const clients = ['kafkajs', 'platformatic'] as const;
type ClientName = (typeof clients)[number];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, pollMs = 5): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/** Sends batches one after another; `send` resolves when the broker acknowledged a batch. */
interface BenchProducer {
  send(topic: string, messages: BenchKafkaMessage[]): Promise<void>;
  close(): Promise<void>;
}

function kafkajsClient(brokers: string[]) {
  return new Kafka({
    clientId: `bench-kafka-clients-${process.pid}`,
    brokers,
    connectionTimeout: 3_000,
    // As createKafka: reconnect for about a minute before a call gives up.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.NOTHING,
  });
}

async function createProducer(client: ClientName, brokers: string[], idempotent: boolean): Promise<BenchProducer> {
  const acks = idempotent ? -1 : 1;
  if (client === 'kafkajs') {
    const producer = kafkajsClient(brokers).producer({
      ...producerOptions,
      idempotent,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    return {
      send: async (topic, messages) => {
        await producer.sendBatch({ topicMessages: [{ topic, messages }], acks });
      },
      close: () => producer.disconnect(),
    };
  }
  const producer = new PlatformaticProducer({
    clientId: `bench-kafka-clients-${process.pid}`,
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    // Java's (and kafkajs's DefaultPartitioner's) murmur2: a key lands on the same partition whichever client sends it.
    partitioner: compatibilityPartitioner,
    idempotent,
    acks,
    autocreateTopics: false,
    ...platformaticRetries,
  });
  return {
    send: async (topic, messages) => {
      await producer.send({ messages: messages.map((message) => ({ topic, ...message })) });
    },
    close: () => producer.close(),
  };
}

/** Connect (kafkajs) or the lazy connect of the first send (platformatic) included, close not. */
async function timeProduce(
  client: ClientName,
  brokers: string[],
  topic: string,
  messages: BenchKafkaMessage[],
  idempotent: boolean,
): Promise<number> {
  const started = performance.now();
  const producer = await createProducer(client, brokers, idempotent);
  for (let start = 0; start < messages.length; start += config.batchSize) {
    await producer.send(topic, messages.slice(start, start + config.batchSize));
  }
  const elapsed = performance.now() - started;
  await producer.close();
  return elapsed;
}

/**
 * A fresh group reads the backlog; timed from its first message to its
 * (events + 1)th, so joining the group is not counted (as bench:messaging's
 * bare consumer).
 */
async function timeConsume(client: ClientName, brokers: string[], topic: string, runId: string): Promise<number> {
  const groupId = `bench-consume-${client}-${runId}-${randomBytes(3).toString('hex')}`;
  let received = 0;
  let firstAt = 0;
  let lastAt = 0;
  const onMessage = () => {
    received += 1;
    if (received === 1) firstAt = performance.now();
    if (received === config.events + 1) lastAt = performance.now();
  };
  if (client === 'kafkajs') {
    const consumer = kafkajsClient(brokers).consumer({ groupId, allowAutoTopicCreation: false });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async () => onMessage() });
      if (!(await until(() => lastAt > 0, config.drainTimeoutMs, 1))) throw new Error(`kafkajs read ${received}`);
    } finally {
      await consumer.disconnect();
    }
  } else {
    const consumer = new PlatformaticConsumer({
      clientId: `bench-kafka-clients-${process.pid}`,
      bootstrapBrokers: brokers,
      groupId,
      deserializers: stringDeserializers,
      ...platformaticRetries,
    });
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true });
      stream.on('data', onMessage);
      if (!(await until(() => lastAt > 0, config.drainTimeoutMs, 1))) throw new Error(`platformatic read ${received}`);
      await stream.close();
    } finally {
      await consumer.close(true);
    }
  }
  return lastAt - firstAt;
}

interface Topics {
  create(names: string[]): Promise<void>;
  messageCount(topic: string): Promise<number>;
  close(): Promise<void>;
}

async function topicsAdmin(brokers: string[]): Promise<Topics> {
  const admin = kafkajsClient(brokers).admin();
  await admin.connect();
  return {
    async create(names) {
      await admin.createTopics({
        topics: names.map((topic) => ({ topic, numPartitions: config.partitions })),
        waitForLeaders: false,
      });
      const deadline = performance.now() + 30_000;
      for (;;) {
        const ready = await admin
          .fetchTopicMetadata({ topics: names })
          .then(({ topics }) =>
            topics.every((t) => t.partitions.length === config.partitions && t.partitions.every((p) => p.leader >= 0)),
          )
          .catch(() => false);
        if (ready) return;
        if (performance.now() > deadline) throw new Error(`topics without leaders after 30 s: ${names.join(', ')}`);
        await sleep(100);
      }
    },
    async messageCount(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
    },
    close: () => admin.disconnect(),
  };
}

/** Every message the bench sends: bench:messaging's event, round-robin over config.keys keys. */
function messageSource() {
  const definition = benchEvent('bench.kafka-clients');
  const caseIds = Array.from({ length: config.keys }, () => randomUUID());
  const seqByKey = new Map<string, number>();
  // makeMessages starts at the first key on every call: rotate, so small batches still cover every key.
  let cursor = 0;
  return {
    caseIds,
    next: (count: number) => {
      const rotated = [...caseIds.slice(cursor), ...caseIds.slice(0, cursor)];
      cursor = (cursor + count) % caseIds.length;
      return makeMessages(definition, rotated, count, seqByKey).map(toKafkaMessage);
    },
  };
}

type Source = ReturnType<typeof messageSource>;

async function throughput(brokers: string[], topics: Topics, source: Source, runId: string) {
  const topic = (client: ClientName, what: string) => `bench.kafka-clients.${runId}.${what}-${client}`;
  const consumeTopic = `bench.kafka-clients.${runId}.consume`;
  await topics.create([
    ...clients.flatMap((client) => [topic(client, 'bare'), topic(client, 'idempotent')]),
    consumeTopic,
  ]);
  const backlog = source.next(config.events + 1);
  const filler = await createProducer('kafkajs', brokers, true);
  for (let start = 0; start < backlog.length; start += config.batchSize) {
    await filler.send(consumeTopic, backlog.slice(start, start + config.batchSize));
  }
  await filler.close();

  const warmup = source.next(config.warmupEvents);
  for (const client of clients) {
    await timeProduce(client, brokers, topic(client, 'bare'), warmup, false);
    await timeProduce(client, brokers, topic(client, 'idempotent'), warmup, true);
  }

  const ms: Record<ClientName, { bare: number[]; idempotent: number[]; consume: number[] }> = {
    kafkajs: { bare: [], idempotent: [], consume: [] },
    platformatic: { bare: [], idempotent: [], consume: [] },
  };
  for (let round = 0; round < config.rounds; round += 1) {
    const messages = source.next(config.events);
    // Alternate which client goes first, so neither always meets a broker busy with the other's segments.
    const order = round % 2 === 0 ? clients : [...clients].reverse();
    for (const client of order) {
      ms[client].bare.push(await timeProduce(client, brokers, topic(client, 'bare'), messages, false));
      ms[client].idempotent.push(await timeProduce(client, brokers, topic(client, 'idempotent'), messages, true));
      ms[client].consume.push(await timeConsume(client, brokers, consumeTopic, runId));
    }
    progress(
      `throughput round ${round + 1}/${config.rounds}: ${clients
        .map(
          (c) =>
            `${c} bare ${rate(ms[c].bare.at(-1))}/s, idempotent ${rate(ms[c].idempotent.at(-1))}/s, consume ${rate(ms[c].consume.at(-1))}/s`,
        )
        .join('; ')}`,
    );
  }
  const expected = config.warmupEvents + config.events * config.rounds;
  for (const client of clients) {
    for (const what of ['bare', 'idempotent']) {
      const found = await topics.messageCount(topic(client, what));
      if (found !== expected) throw new Error(`${topic(client, what)}: expected ${expected} messages, found ${found}`);
    }
  }
  const figures = (values: number[]) => ({
    eventsPerSecond: rate(median(values)),
    runs: values.map((elapsed) => rate(elapsed)),
  });
  const of = (client: ClientName) => ({
    produceBare: figures(ms[client].bare),
    produceIdempotent: figures(ms[client].idempotent),
    consume: figures(ms[client].consume),
  });
  const kafkajs = of('kafkajs');
  const platformatic = of('platformatic');
  const ratio = (pick: (f: typeof kafkajs) => { eventsPerSecond: number }) =>
    round(pick(platformatic).eventsPerSecond / pick(kafkajs).eventsPerSecond, 2);
  return {
    eventsPerRound: config.events,
    rounds: config.rounds,
    batchSize: config.batchSize,
    kafkajs,
    platformatic,
    /** platformatic / kafkajs; above 1 platformatic is faster. */
    ratio: {
      produceBare: ratio((f) => f.produceBare),
      produceIdempotent: ratio((f) => f.produceIdempotent),
      consume: ratio((f) => f.consume),
    },
  };
}

function rate(elapsedMs: number | undefined): number {
  return elapsedMs === undefined ? NaN : Math.round(config.events / (elapsedMs / 1_000));
}

/** A member process and what it reported. */
interface Member {
  name: string;
  child: ChildProcess;
  joins: { at: number; partitions: number[] }[];
  /** When it consumed again after its stream failed. */
  restarts: number[];
  messages: { at: number; partition: number; offset: string }[];
  stderr: string[];
  exited: Promise<void>;
}

function startMember(client: ClientName, name: string, brokers: string[], topic: string, groupId: string): Member {
  const child = spawn(
    process.execPath,
    [memberScript, client, brokers.join(','), topic, groupId, String(config.sessionTimeoutMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const member: Member = {
    name,
    child,
    joins: [],
    restarts: [],
    messages: [],
    stderr: [],
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    const [kind, at, a, b] = text.split(' ');
    if (kind === 'j') member.joins.push({ at: Number(at), partitions: a ? a.split(',').map(Number) : [] });
    else if (kind === 'r') member.restarts.push(Number(at));
    else if (kind === 'm') member.messages.push({ at: Number(at), partition: Number(a), offset: String(b) });
  });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (text) => {
    if (member.stderr.length < 20) member.stderr.push(text);
  });
  return member;
}

async function stopMember(member: Member): Promise<void> {
  if (member.child.exitCode === null && member.child.signalCode === null) member.child.kill('SIGTERM');
  const stopped = await Promise.race([member.exited.then(() => true), sleep(20_000).then(() => false)]);
  if (!stopped) member.child.kill('SIGKILL');
  await member.exited;
}

/**
 * Sends `count` messages at `config.faultRate`/s in batches of
 * `config.faultBatch`. A failed send is retried after a second with the same
 * batch (as the relay does), so an outage delays messages but loses none.
 */
function pacedProducer(producer: BenchProducer, topic: string, source: Source, count: number) {
  const state = { sent: 0, failedSends: 0, longestSendMs: 0, completedAt: [] as number[] };
  const done = (async () => {
    const started = performance.now();
    for (let index = 0; index < count; index += config.faultBatch) {
      const dueAt = started + (index / config.faultRate) * 1_000;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
      const batch = source.next(Math.min(config.faultBatch, count - index));
      for (;;) {
        const sendStarted = Date.now();
        try {
          await producer.send(topic, batch);
          state.completedAt.push(Date.now());
          break;
        } catch {
          state.failedSends += 1;
          await sleep(1_000);
        } finally {
          state.longestSendMs = Math.max(state.longestSendMs, Date.now() - sendStarted);
        }
      }
      state.sent += batch.length;
    }
  })();
  return { state, done };
}

/** What the members applied against what the topic holds. */
function delivery(members: Member[], onTopic: number) {
  const all = members.flatMap((member) => member.messages);
  const unique = new Set(all.map((m) => `${m.partition}:${m.offset}`));
  /** missing: on the topic but never applied by the time the run gave up waiting. */
  return { onTopic, applied: all.length, missing: onTopic - unique.size, duplicates: all.length - unique.size };
}

function duplicatesOn(members: Member[], partitions: (partition: number) => boolean): number {
  const all = members.flatMap((member) => member.messages).filter((m) => partitions(m.partition));
  return all.length - new Set(all.map((m) => `${m.partition}:${m.offset}`)).size;
}

async function memberKill(client: ClientName, brokers: string[], topics: Topics, source: Source, runId: string) {
  const topic = `bench.kafka-clients.${runId}.kill-${client}`;
  await topics.create([topic]);
  const groupId = `bench-kill-${client}-${runId}`;
  const victim = startMember(client, 'victim', brokers, topic, groupId);
  const survivor = startMember(client, 'survivor', brokers, topic, groupId);
  const producer = await createProducer(client, brokers, true);
  try {
    // Both in the group with disjoint halves of the partitions.
    const split = () => {
      const v = victim.joins.at(-1)?.partitions ?? [];
      const s = survivor.joins.at(-1)?.partitions ?? [];
      return (
        v.length > 0 && s.length > 0 && v.length + s.length === config.partitions && v.every((p) => !s.includes(p))
      );
    };
    if (!(await until(split, 60_000, 20)))
      throw new Error(
        `${client}: no two-member group: ${JSON.stringify([victim.joins, survivor.joins, victim.stderr])}`,
      );
    const victimPartitions = victim.joins.at(-1)?.partitions ?? [];

    const sending = pacedProducer(producer, topic, source, config.faultEvents);
    await until(() => sending.state.sent >= config.faultEvents / 3, config.drainTimeoutMs, 5);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;
    await sending.done;
    const onTopic = await topics.messageCount(topic);
    const drained = await until(() => delivery([victim, survivor], onTopic).missing === 0, config.drainTimeoutMs, 50);

    const rejoin = survivor.joins.find((join) => join.at >= killedAt);
    (await import('node:fs')).writeFileSync(
      `/tmp/kc-debug-${client}.json`,
      JSON.stringify({
        killedAt,
        victimPartitions,
        v: victim.joins,
        s: survivor.joins,
        sm: survivor.messages.filter((m) => victimPartitions.includes(m.partition)).slice(0, 50),
        vm: victim.messages.slice(-5),
      }),
    );
    const resumed = victimPartitions.map(
      (partition) => survivor.messages.find((m) => m.partition === partition && m.at >= killedAt)?.at,
    );
    const allResumed = resumed.every((at) => at !== undefined);
    return {
      sessionTimeoutMs: config.sessionTimeoutMs,
      victimPartitions,
      killToRejoinMs: rejoin ? rejoin.at - killedAt : null,
      rejoinedWith: rejoin?.partitions ?? null,
      /** Until the survivor applied a message from the first / the last of the victim's partitions. */
      killToFirstResumedMs: allResumed ? Math.min(...(resumed as number[])) - killedAt : null,
      killToAllResumedMs: allResumed ? Math.max(...(resumed as number[])) - killedAt : null,
      drained,
      ...delivery([victim, survivor], onTopic),
      /** Duplicates on the dead member's partitions (applied, not yet committed) and on the survivor's own (re-read after the rejoin). */
      duplicatesByOwner: {
        victimPartitions: duplicatesOn([victim, survivor], (p) => victimPartitions.includes(p)),
        survivorPartitions: duplicatesOn([victim, survivor], (p) => !victimPartitions.includes(p)),
      },
      stderr: [...victim.stderr, ...survivor.stderr].slice(0, 10),
    };
  } finally {
    await producer.close().catch(() => undefined);
    await stopMember(survivor);
    await stopMember(victim);
  }
}

async function brokerRestart(
  client: ClientName,
  broker: Parameters<typeof startKafka>[0],
  brokers: string[],
  topics: () => Topics,
  source: Source,
  runId: string,
) {
  const topic = `bench.kafka-clients.${runId}.restart-${client}`;
  await topics().create([topic]);
  const member = startMember(client, 'member', brokers, topic, `bench-restart-${client}-${runId}`);
  const producer = await createProducer(client, brokers, true);
  try {
    if (!(await until(() => (member.joins.at(-1)?.partitions.length ?? 0) === config.partitions, 60_000, 20)))
      throw new Error(`${client}: member did not join: ${JSON.stringify(member.stderr)}`);
    const sending = pacedProducer(producer, topic, source, config.faultEvents);
    await until(() => sending.state.sent >= config.faultEvents / 3, config.drainTimeoutMs, 5);
    const stoppingAt = Date.now();
    await stopKafka(broker.dataDir);
    const stoppedAt = Date.now();
    await startKafka(broker);
    const upAt = Date.now();
    progress(`${client}: broker down ${stoppedAt - stoppingAt} ms to stop, ${upAt - stoppedAt} ms to start`);
    await topics().close();
    const resumedAt = () => member.messages.find((m) => m.at >= upAt)?.at;
    await until(() => resumedAt() !== undefined || member.child.exitCode !== null, config.drainTimeoutMs, 20);
    await sending.done;
    const onTopic = await topics().messageCount(topic);
    const drained = await until(() => delivery([member], onTopic).missing === 0, config.drainTimeoutMs, 50);
    const consumedAfter = resumedAt();
    const producerResumedAt = sending.state.completedAt.find((at) => at >= upAt);
    return {
      brokerStopMs: stoppedAt - stoppingAt,
      brokerStartMs: upAt - stoppedAt,
      /** From the broker answering again until the first successful send / the first message applied. */
      upToProducerResumedMs: producerResumedAt === undefined ? null : producerResumedAt - upAt,
      upToConsumerResumedMs: consumedAfter ? consumedAfter - upAt : null,
      /** Sends that threw (retried by the bench after a second), and the longest send including the client's own retries. */
      failedSends: sending.state.failedSends,
      longestSendMs: sending.state.longestSendMs,
      memberAlive: member.child.exitCode === null,
      /** Times the member had to consume again after its stream failed (platformatic; kafkajs restarts inside). */
      streamRestarts: member.restarts.length,
      drained,
      ...delivery([member], onTopic),
      stderr: member.stderr.slice(0, 10),
    };
  } finally {
    await producer.close().catch(() => undefined);
    await stopMember(member);
  }
}

function summary(result: Awaited<ReturnType<typeof run>>): string {
  const t = result.throughput;
  const row = (label: string, pick: (c: typeof t.kafkajs) => { eventsPerSecond: number }, ratio: number) => [
    label,
    String(pick(t.kafkajs).eventsPerSecond),
    String(pick(t.platformatic).eventsPerSecond),
    ratio.toFixed(2),
  ];
  const ms = (value: number | null) => (value === null ? 'never' : String(value));
  const k = result.faults.kafkajs;
  const p = result.faults.platformatic;
  const lines = [
    `kafka clients bench: node ${result.machine.node}, ${result.machine.cpus} cpus, ${result.date}`,
    `kafkajs ${result.versions.kafkajs} vs @platformatic/kafka ${result.versions.platformatic}`,
    '',
    table([
      [`throughput (events/s), ${t.eventsPerRound} events, median of ${t.rounds}`, 'kafkajs', 'platformatic', 'ratio'],
      row('produce, acks=1', (c) => c.produceBare, t.ratio.produceBare),
      row('produce, idempotent, acks=all', (c) => c.produceIdempotent, t.ratio.produceIdempotent),
      row('consume backlog', (c) => c.consume, t.ratio.consume),
    ]),
    '',
    table([
      [`SIGKILL of one of two members (session ${k.memberKill.sessionTimeoutMs} ms)`, 'kafkajs', 'platformatic'],
      ['kill → survivor rejoined (ms)', ms(k.memberKill.killToRejoinMs), ms(p.memberKill.killToRejoinMs)],
      ['kill → all partitions resumed (ms)', ms(k.memberKill.killToAllResumedMs), ms(p.memberKill.killToAllResumedMs)],
      ['missing', String(k.memberKill.missing), String(p.memberKill.missing)],
      ['duplicates', String(k.memberKill.duplicates), String(p.memberKill.duplicates)],
    ]),
    '',
    table([
      ['broker stop and start', 'kafkajs', 'platformatic'],
      [
        'broker up → producer resumed (ms)',
        ms(k.brokerRestart.upToProducerResumedMs),
        ms(p.brokerRestart.upToProducerResumedMs),
      ],
      [
        'broker up → consumer resumed (ms)',
        ms(k.brokerRestart.upToConsumerResumedMs),
        ms(p.brokerRestart.upToConsumerResumedMs),
      ],
      ['missing', String(k.brokerRestart.missing), String(p.brokerRestart.missing)],
      ['duplicates', String(k.brokerRestart.duplicates), String(p.brokerRestart.duplicates)],
    ]),
    '',
    `written to ${path.relative(repoRoot, resultsFile)}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function packageVersion(name: string): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(path.join(repoRoot, 'tests', 'package.json'));
  const { readFile } = await import('node:fs/promises');
  // Both packages' exports hide package.json; its path sits beside the resolved entry's package root.
  const entry = require.resolve(name);
  const root =
    entry.slice(0, entry.lastIndexOf(`${path.sep}node_modules${path.sep}`) + 1) + path.join('node_modules', name);
  return JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')).version;
}

async function run() {
  const loadAtStart = loadAverage();
  const benchStarted = performance.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'vangnet-bench-kafka-'));
  const broker = {
    dataDir: dir,
    port: await freePort(),
    controllerPort: await freePort(),
    cacheDir: path.join(tmpdir(), 'vangnet-kafka-cache'),
  };
  const { brokers } = await startKafka(broker);
  progress(`broker up in ${Math.round(performance.now() - benchStarted)} ms`);
  let admin = await topicsAdmin(brokers);
  // The restart closes the admin, whose connection died with the broker; a fresh one after.
  let adminStale = false;
  const topics = (): Topics => {
    if (adminStale) throw new Error('admin used while reconnecting');
    return admin;
  };
  const runId = randomBytes(4).toString('hex');
  const source = messageSource();
  try {
    const throughputResult = await throughput(brokers, admin, source, runId);
    const faults = {} as Record<ClientName, { memberKill: unknown; brokerRestart: unknown }>;
    for (const client of clients) {
      progress(`${client}: SIGKILL of one of two members`);
      const kill = await memberKill(client, brokers, admin, source, runId);
      progress(`${client}: broker stop and start`);
      const restart = await brokerRestart(
        client,
        broker,
        brokers,
        () => {
          const current = topics();
          return {
            create: current.create,
            messageCount: current.messageCount,
            close: async () => {
              adminStale = true;
              await current.close().catch(() => undefined);
              admin = await topicsAdmin(brokers);
              adminStale = false;
            },
          };
        },
        source,
        runId,
      );
      faults[client] = { memberKill: kill, brokerRestart: restart };
    }
    return {
      benchmark: 'kafka-clients',
      date: new Date().toISOString(),
      machine: machine(loadAtStart),
      versions: { kafkajs: await packageVersion('kafkajs'), platformatic: await packageVersion('@platformatic/kafka') },
      infrastructure: {
        source: 'startKafka (local stack broker, own data dir)',
        kafkaBrokers: brokers.length,
        note: 'the broker and both clients share this machine; member processes run beside the bench',
      },
      config: { ...config, messageBytes: messageBytes(source.caseIds) },
      throughput: throughputResult,
      faults: faults as Record<ClientName, FaultResult>,
      benchSeconds: 0,
    };
  } finally {
    await admin.close().catch(() => undefined);
    await stopKafka(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

interface FaultResult {
  memberKill: Awaited<ReturnType<typeof memberKill>>;
  brokerRestart: Awaited<ReturnType<typeof brokerRestart>>;
}

await runBench(run, resultsFile, summary);

import {
  Admin,
  Consumer,
  compatibilityPartitioner,
  type Message,
  type MessagesStream,
  Producer,
} from '@platformatic/kafka';
import type { Log } from '../log.ts';
import type {
  BatchControl,
  ConsumedMessage,
  ConsumeOptions,
  ConsumerOptions,
  KafkaPort,
  PortAdmin,
  PortConsumer,
  PortProducer,
  TopicMessages,
  TopicSpec,
} from '../port.ts';

/**
 * The Kafka port over @platformatic/kafka (pure TypeScript, maintained).
 * Measured against kafkajs in `pnpm bench:kafka-clients`; see
 * docs/architecture.md, "Kafka client".
 */
export function createPlatformaticKafka(options: { brokers: string[]; clientId: string; logger: Log }): KafkaPort {
  const log = options.logger.child({ component: 'kafka' });
  const base = { clientId: options.clientId, bootstrapBrokers: options.brokers, ...platformaticRetries };
  return {
    producer: () => new PlatformaticProducer(base),
    consumer: (consumerOptions) => new PlatformaticConsumer(base, consumerOptions, log),
    admin: () => new PlatformaticAdmin(base),
  };
}

/**
 * As createKafka's for kafkajs: a call retries with backoff for about 40 s
 * before it fails (its default is 3 retries a second apart).
 */
export const platformaticRetries = {
  retries: 8,
  retryDelay: (_client: unknown, _operation: string, attempt: number) => Math.min(300 * 2 ** (attempt - 1), 10_000),
};

type BaseOptions = { clientId: string; bootstrapBrokers: string[] } & typeof platformaticRetries;

type Bytes = string | Buffer | null;
const toBytes = (data?: Bytes): Buffer | undefined =>
  data === undefined || data === null ? undefined : Buffer.isBuffer(data) ? data : Buffer.from(data);
const identity = (data?: Buffer): Buffer | undefined => data;
const utf8 = (data?: Buffer): string | undefined => data?.toString('utf8');

class PlatformaticProducer implements PortProducer {
  readonly #producer: Producer<Bytes, Bytes, string, string>;

  constructor(base: BaseOptions) {
    this.#producer = new Producer<Bytes, Bytes, string, string>({
      ...base,
      serializers: { key: toBytes, value: toBytes, headerKey: toBytes, headerValue: toBytes },
      // Java's murmur2 (as kafkajs's DefaultPartitioner): its default partitioner differs for half of all keys.
      partitioner: compatibilityPartitioner,
      idempotent: true,
      acks: -1,
      autocreateTopics: false,
    });
  }

  /** One send in flight: a later batch never overtakes an earlier one that is being retried. */
  #inFlight: Promise<unknown> = Promise.resolve();

  send(batch: TopicMessages[]): Promise<void> {
    const messages = batch.flatMap(({ topic, messages }) =>
      messages.map((message) => ({ topic, key: message.key, value: message.value, headers: message.headers })),
    );
    if (messages.length === 0) return Promise.resolve();
    const sent = this.#inFlight.then(async () => {
      await this.#producer.send({ messages });
    });
    this.#inFlight = sent.catch(() => undefined);
    return sent;
  }

  close(): Promise<void> {
    return this.#producer.close();
  }
}

interface PartitionState {
  topic: string;
  partition: number;
  queue: ConsumedMessage[];
  /** Highest offset queued or handled here since this member got the partition; re-reads below it are dropped. */
  lastSeen: bigint;
  running: Promise<void> | undefined;
  /** Bumped when the partition is revoked, so a batch in hand learns it is no longer owned. */
  ownership: number;
}

interface Resolved {
  topic: string;
  partition: number;
  next: bigint;
  leaderEpoch: number;
}

const key = (topic: string, partition: number) => `${topic}:${partition}`;

class PlatformaticConsumer implements PortConsumer {
  readonly #consumer: Consumer<Buffer, Buffer, string, string>;
  readonly #options: Required<ConsumerOptions>;
  readonly #log: Log;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #assigned = new Set<string>();
  readonly #resolved = new Map<string, Resolved>();
  readonly #leaderEpochs = new Map<string, number>();
  #resolvedSinceCommit = 0;
  #queued = 0;
  #stream: MessagesStream<Buffer, Buffer, string, string> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;
  #committing: Promise<void> = Promise.resolve();

  /** Fetched messages held per member before the stream is paused. */
  static readonly maxQueued = 2_000;
  static readonly maxBatch = 500;

  constructor(base: BaseOptions, options: ConsumerOptions, log: Log) {
    this.#options = { sessionTimeoutMs: 30_000, commitIntervalMs: 1_000, commitThreshold: 100, ...options };
    this.#log = log.child({ groupId: options.groupId });
    const sessionTimeout = this.#options.sessionTimeoutMs;
    this.#consumer = new Consumer({
      ...base,
      groupId: options.groupId,
      deserializers: { key: identity, value: identity, headerKey: utf8, headerValue: utf8 },
      sessionTimeout,
      rebalanceTimeout: sessionTimeout,
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
      // Its autocommit marks a fetched batch as consumed before the messages
      // are handed over, so a crash would skip them: offsets are committed
      // here, and only those the caller resolved.
      autocommit: false,
      maxWaitTime: 500,
    });
    this.#consumer.on('consumer:group:join', ({ assignments }) => this.#assign(assignments ?? []));
  }

  async run(options: ConsumeOptions): Promise<void> {
    this.#stream = await this.#consume(options);
    this.#timer = setInterval(() => void this.#commit(), this.#options.commitIntervalMs);
    this.#timer.unref();
  }

  async #consume(options: ConsumeOptions): Promise<MessagesStream<Buffer, Buffer, string, string>> {
    const stream = await this.#consumer.consume({
      topics: options.topics,
      mode: 'committed',
      fallbackMode: options.fromBeginning ? 'earliest' : 'latest',
    });
    stream.on('data', (message) => this.#receive(message, options));
    // The stream ends with an error once a fetch failed through all retries
    // (a broker away for longer than ~40 s); the consumer lives on, so it
    // consumes again, as kafkajs's restartOnFailure does.
    stream.once('error', (error: Error) => {
      this.#log.warn({ err: error }, 'kafka consumer stream failed; consuming again');
      void this.#restart(stream, options);
    });
    return stream;
  }

  async #restart(failed: MessagesStream<Buffer, Buffer, string, string>, options: ConsumeOptions): Promise<void> {
    await failed.close().catch(() => undefined);
    while (!this.#closing) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (this.#closing) return;
      try {
        this.#stream = await this.#consume(options);
        return;
      } catch (error) {
        this.#log.warn({ err: error }, 'cannot consume yet, retrying');
      }
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#timer);
    await this.#stream?.close();
    await Promise.all([...this.#partitions.values()].map((state) => state.running));
    await this.#commit();
    await this.#consumer.close();
  }

  #assign(assignments: { topic: string; partitions: number[] }[]): void {
    const now = new Set(assignments.flatMap(({ topic, partitions }) => partitions.map((p) => key(topic, p))));
    for (const [id, state] of this.#partitions) {
      if (now.has(id)) continue;
      // Another member takes over from the last commit; what is queued here is its work now.
      this.#queued -= state.queue.length;
      state.queue = [];
      state.lastSeen = -1n;
      state.ownership += 1;
      this.#resolved.delete(id);
    }
    this.#assigned.clear();
    for (const id of now) this.#assigned.add(id);
    this.#resumeIfRoom();
  }

  #receive(message: Message<Buffer, Buffer, string, string>, options: ConsumeOptions): void {
    const id = key(message.topic, message.partition);
    if (this.#closing || !this.#assigned.has(id)) return;
    let state = this.#partitions.get(id);
    if (!state) {
      state = {
        topic: message.topic,
        partition: message.partition,
        queue: [],
        lastSeen: -1n,
        running: undefined,
        ownership: 0,
      };
      this.#partitions.set(id, state);
    }
    // After a rejoin the stream reads a kept partition again from its last commit.
    if (message.offset <= state.lastSeen) return;
    state.lastSeen = message.offset;
    this.#leaderEpochs.set(id, message.leaderEpoch);
    state.queue.push({
      topic: message.topic,
      partition: message.partition,
      offset: message.offset.toString(),
      key: message.key ?? null,
      value: message.value ?? null,
      headers: Object.fromEntries(message.headers),
    });
    this.#queued += 1;
    if (this.#queued >= PlatformaticConsumer.maxQueued) this.#stream?.pause();
    if (!state.running) state.running = this.#drain(state, options);
  }

  /** One loop per partition: its batches run one after another, never two at once. */
  async #drain(state: PartitionState, options: ConsumeOptions): Promise<void> {
    try {
      while (state.queue.length > 0 && !this.#closing) {
        const ownership = state.ownership;
        const messages = state.queue.splice(0, PlatformaticConsumer.maxBatch);
        this.#queued -= messages.length;
        this.#resumeIfRoom();
        const control = this.#control(state, ownership);
        try {
          await options.eachBatch({ topic: state.topic, partition: state.partition, messages }, control);
        } catch (error) {
          if (state.ownership !== ownership || this.#closing) continue;
          // Offer the batch again from its first unresolved message, after a pause.
          const done = this.#resolved.get(key(state.topic, state.partition))?.next ?? -1n;
          const again = messages.filter((message) => BigInt(message.offset) >= done);
          state.queue.unshift(...again);
          this.#queued += again.length;
          this.#log.warn({ err: error, topic: state.topic, partition: state.partition }, 'batch failed, retrying');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    } finally {
      state.running = undefined;
    }
  }

  #control(state: PartitionState, ownership: number): BatchControl {
    const id = key(state.topic, state.partition);
    const owned = () => !this.#closing && state.ownership === ownership && this.#assigned.has(id);
    return {
      owned,
      resolve: (message) => {
        if (!owned()) return;
        this.#resolved.set(id, {
          topic: state.topic,
          partition: state.partition,
          next: BigInt(message.offset) + 1n,
          leaderEpoch: this.#leaderEpochs.get(id) ?? -1,
        });
        this.#resolvedSinceCommit += 1;
        if (this.#resolvedSinceCommit >= this.#options.commitThreshold) void this.#commit();
      },
      commit: () => this.#commit(),
    };
  }

  #resumeIfRoom(): void {
    if (this.#queued < PlatformaticConsumer.maxQueued / 2 && this.#stream?.isPaused()) this.#stream.resume();
  }

  /** Commits resolved offsets of partitions still owned; one commit at a time, in call order. */
  #commit(): Promise<void> {
    this.#committing = this.#committing.then(async () => {
      const offsets = [...this.#resolved]
        .filter(([id]) => this.#assigned.has(id))
        .map(([, { topic, partition, next, leaderEpoch }]) => ({ topic, partition, offset: next, leaderEpoch }));
      this.#resolved.clear();
      this.#resolvedSinceCommit = 0;
      if (offsets.length === 0) return;
      try {
        await this.#consumer.commit({ offsets });
      } catch (error) {
        // A commit during a rebalance fails: the partition's next owner
        // starts from the commit before, and the inbox drops what repeats.
        this.#log.warn({ err: error }, 'offset commit failed');
      }
    });
    return this.#committing;
  }
}

class PlatformaticAdmin implements PortAdmin {
  readonly #admin: Admin;

  constructor(base: BaseOptions) {
    this.#admin = new Admin(base);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    const existing = new Set(await this.#admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    for (const { topic, partitions, compacted } of missing) {
      await this.#admin.createTopics({
        topics: [topic],
        partitions,
        // -1: the broker's default replication factor.
        replicas: -1,
        configs: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      });
    }
    const names = topics.map(({ topic }) => topic);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metadata = await this.#admin.metadata({ topics: names, forceUpdate: true }).catch(() => undefined);
      const ready = names.every((name) => {
        const topic = metadata?.topics.get(name);
        return topic !== undefined && topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics without leaders after 30 s: ${names.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close(): Promise<void> {
    return this.#admin.close();
  }
}

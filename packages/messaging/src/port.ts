/**
 * The Kafka port: what the outbox relay, the consumers and topic set-up need
 * from a Kafka client, and no more. Adapters implement it
 * (`adapters/platformatic.ts`; kafkajs today sits behind `kafka.ts`, which
 * relay.ts and consumer.ts still use directly: see docs/architecture.md,
 * "Kafka client", for what the switch still needs).
 *
 * Values and keys are bytes or UTF-8 strings; headers are UTF-8 strings (the
 * CloudEvents binary mode: ce_* and traceparent).
 */

export interface OutgoingMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Record<string, string>;
}

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export interface PortProducer {
  /**
   * Sends the batch idempotently with acks from all in-sync replicas and
   * resolves once the broker has every message; one send in flight per
   * producer, so each partition receives its messages in the given order.
   * A key always lands on the partition Java's (and kafkajs's) murmur2
   * partitioner chooses, whichever client produced the key before. On
   * failure it rejects; the caller resends the whole batch (duplicates are
   * for the inbox, never a gap or a reordering).
   */
  send(batch: TopicMessages[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  /** Decimal string, as Kafka tools print it; exact beyond 2^53. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface PartitionBatch {
  topic: string;
  partition: number;
  /** In offset order. */
  messages: ConsumedMessage[];
}

export interface BatchControl {
  /**
   * Marks a message and every one before it on its partition as done. Only
   * marked offsets are committed: a crash redelivers what was not marked
   * (at least once; the inbox drops what was applied).
   */
  resolve(message: ConsumedMessage): void;
  /** Commits what is marked now instead of at the next interval. */
  commit(): Promise<void>;
  /**
   * False once this member no longer owns the partition (a rebalance moved
   * it) or the consumer is closing: stop before the next message, another
   * member takes over from the last commit.
   */
  owned(): boolean;
}

export interface ConsumeOptions {
  topics: string[];
  /** Where a group without a committed offset starts: the beginning or the end of each partition. */
  fromBeginning: boolean;
  /**
   * Called with one partition's messages at a time: a partition's next batch
   * waits until the batch before it returned or threw, so no two batches of
   * one partition run at once (partitions run concurrently). A batch that
   * throws is offered again from its first unresolved message.
   */
  eachBatch(batch: PartitionBatch, control: BatchControl): Promise<void>;
}

export interface PortConsumer {
  run(options: ConsumeOptions): Promise<void>;
  /** Waits for the batches in hand, commits what is resolved, leaves the group. */
  close(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  /** How long the group waits for a member that stopped heartbeating. */
  sessionTimeoutMs?: number;
  /** Resolved offsets are committed at this interval… */
  commitIntervalMs?: number;
  /** …or once this many messages were resolved since the last commit. */
  commitThreshold?: number;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  compacted?: boolean;
}

export interface PortAdmin {
  /** Creates the topics that do not exist yet and waits until each partition has a leader. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaPort {
  producer(): PortProducer;
  consumer(options: ConsumerOptions): PortConsumer;
  admin(): PortAdmin;
}

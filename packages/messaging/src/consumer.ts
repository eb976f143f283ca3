import { type CloudEventAttributes, EnvelopeError, fromKafkaHeaders } from '@vangnet/contracts/envelope';
import type { AnyEventDefinition, EventData } from '@vangnet/contracts/events';
import { deadLetterTopic, type Topic } from '@vangnet/contracts/topics';
import type { Admin, Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { z } from 'zod';
import { PermanentEventError } from './errors.ts';
import { endsOfUncommittedPartitions, type PartitionOffset } from './group-offsets.ts';
import { producerOptions } from './kafka.ts';
import type { Log } from './log.ts';
import { contextFromHeaders, contexts, SpanKind, startSpan, type TraceHeaders, traceHeadersOf } from './tracing.ts';
import { transactionExpired, transientFailure } from './transient.ts';
import { failureForLog } from './worker.ts';

/**
 * The idempotent inbox: runs `work` and records `eventId` for the group in
 * one database transaction, or does nothing when the id is already recorded.
 */
export interface Inbox<Tx> {
  runOnce(consumerGroup: string, eventId: string, work: (tx: Tx) => Promise<void>): Promise<'applied' | 'duplicate'>;
  /**
   * The same for several events in one transaction: records every id not
   * yet recorded (in one statement) and hands `work` those ids; all commit
   * together or none does. Resolves to the ids that were new.
   */
  runBatch(
    consumerGroup: string,
    eventIds: string[],
    work: (tx: Tx, fresh: ReadonlySet<string>) => Promise<void>,
  ): Promise<ReadonlySet<string>>;
}

export interface HandlerContext<Tx> {
  tx: Tx;
  event: CloudEventAttributes;
  /** Trace context of this event's processing: pass it on to the events the handler emits. */
  trace: TraceHeaders;
}

/**
 * Lifts an older version of an event to the version a handler is written
 * for. Old versions stay readable for as long as they may sit on a topic (or
 * in a dead-letter topic waiting for a replay); the upcaster lives beside
 * the consumer that needs it, not with the producer that moved on.
 */
export interface Upcaster<To extends AnyEventDefinition = AnyEventDefinition> {
  from: AnyEventDefinition;
  upcast(data: unknown): EventData<To>;
}

export function upcaster<From extends AnyEventDefinition, To extends AnyEventDefinition>(
  from: From,
  _to: To,
  upcast: (data: EventData<From>) => EventData<To>,
): Upcaster<To> {
  return { from, upcast: upcast as Upcaster<To>['upcast'] };
}

/** One event of a run handed to `handleMany`: its data and what `handle` would get besides the transaction. */
export interface BatchItem<Data = unknown> {
  data: Data;
  event: CloudEventAttributes;
  trace: TraceHeaders;
}

export interface EventHandler<Tx> {
  definition: AnyEventDefinition;
  upcasters: Upcaster[];
  handle(data: unknown, context: HandlerContext<Tx>): Promise<void>;
  /**
   * Optional: consecutive events of this handler in a batch, in offset
   * order, in the batch's one transaction. Must leave the same state as
   * `handle` on each in turn; it exists so a handler can read and write for
   * many events in a few statements instead of a few per event. A failure
   * rolls the batch back and the consumer goes one event at a time with
   * `handle`, as for any failure in a batch.
   */
  handleMany?(items: BatchItem[], tx: Tx): Promise<void>;
}

/** Pairs a definition with its handler, typing the data by the definition's schema. */
export function on<D extends AnyEventDefinition, Tx>(
  definition: D,
  handle: (data: EventData<D>, context: HandlerContext<Tx>) => Promise<void>,
  options: {
    upcasters?: Upcaster<D>[];
    handleMany?: (items: BatchItem<EventData<D>>[], tx: Tx) => Promise<void>;
  } = {},
): EventHandler<Tx> {
  return {
    definition,
    upcasters: options.upcasters ?? [],
    handle: handle as EventHandler<Tx>['handle'],
    ...(options.handleMany ? { handleMany: options.handleMany as EventHandler<Tx>['handleMany'] } : {}),
  };
}

/** How one CloudEvents type is read: its schema, and how its data becomes the handler's version. */
interface Reader<Tx> {
  handler: EventHandler<Tx>;
  schema: z.ZodType;
  toCurrent(data: unknown): unknown;
}

function readersOf<Tx>(handlers: EventHandler<Tx>[]): Map<string, Reader<Tx>> {
  const readers = new Map<string, Reader<Tx>>();
  for (const handler of handlers) {
    const { definition } = handler;
    readers.set(definition.type, { handler, schema: definition.readSchema, toCurrent: (data) => data });
    for (const { from, upcast } of handler.upcasters) {
      // The upcast result is checked against the current schema: a wrong upcaster is a bug, not data.
      readers.set(from.type, {
        handler,
        schema: from.readSchema,
        toCurrent: (data) => definition.schema.parse(upcast(data)),
      });
    }
  }
  return readers;
}

export interface ConsumerOptions<Tx> {
  kafka: Kafka;
  groupId: string;
  logger: Log;
  inbox: Inbox<Tx>;
  handlers: EventHandler<Tx>[];
  /**
   * Attempts for a failing handler before the event is dead-lettered. Only
   * failures of the event or the code count: while the database is away
   * (see transientFailure) the event waits for it however long it takes.
   */
  maxAttempts?: number;
  initialBackoffMs?: number;
  /** The longest wait between two attempts while the database is away. */
  maxBackoffMs?: number;
  /** Read from the start of a topic the first time the group sees it. */
  fromBeginning?: boolean;
  /**
   * How long the group waits for a member that stopped heartbeating before
   * its partitions move on. A crashed member stalls its partitions this
   * long; the broker's minimum is 6 s.
   */
  sessionTimeoutMs?: number;
  /** Partitions of one member worked on at the same time (order holds within each). */
  partitionsConsumedConcurrently?: number;
  /**
   * Events of one partition applied in one inbox transaction. Bounds how
   * long a transaction holds its locks and how much a failure rolls back.
   */
  maxEventsPerTransaction?: number;
}

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead-lettered';

/**
 * An event's retries ended for a reason of the consumer's, not the event's:
 * it stops, the batch went stale or the partition's turn passed, or the
 * heartbeat failed (a rebalance). Nothing is parked and no offset resolved,
 * so whoever holds the partition next reads the event again.
 */
class RetriesInterrupted extends Error {
  override readonly name = 'RetriesInterrupted';
  readonly heartbeatFailure: unknown;
  constructor(heartbeatFailure?: unknown) {
    super('retries interrupted');
    this.heartbeatFailure = heartbeatFailure;
  }
}

/** A handler that kept failing for a reason of the event or the code, `attempts` times: on to the dead letter. */
class HandlerFailed extends Error {
  override readonly name = 'HandlerFailed';
  readonly failure: unknown;
  readonly attempts: number;
  constructor(failure: unknown, attempts: number) {
    super(`handler failed ${attempts} times`, { cause: failure });
    this.failure = failure;
    this.attempts = attempts;
  }
}

/**
 * What a dead letter says about why. A PermanentEventError's message is
 * written to name the event, its type and the failing fields, never their
 * values; any other failure is named by class and codes only, as the logs
 * do: a driver's or a handler's message can quote a row's values, personal
 * data among them, and a dead letter is kept and read by people.
 */
function deadLetterReason(error: unknown): { reason: string; failure: ReturnType<typeof failureForLog> } {
  if (error instanceof PermanentEventError) return { reason: error.message, failure: failureForLog(error) };
  const cause = error instanceof HandlerFailed ? error.failure : error;
  const failure = failureForLog(cause);
  const codes = [failure.code, failure.sqlState && `SQLSTATE ${failure.sqlState}`].filter(Boolean).join(', ');
  const times = error instanceof HandlerFailed ? ` ${error.attempts} times` : '';
  return { reason: `handler failed${times}: ${failure.errorClass}${codes ? ` (${codes})` : ''}`, failure };
}

/**
 * Consumes events with exactly-once effect: the handler's writes and the
 * event id commit together (the inbox), and the offset is committed only
 * after that, so a crash at any point means a redelivery the inbox drops.
 * A poison event is parked on the dead-letter topic instead of blocking its
 * partition; the consumer itself never dies on an event.
 */
export class EventConsumer<Tx> {
  readonly #options: Required<Omit<ConsumerOptions<Tx>, 'handlers'>>;
  readonly #readers: Map<string, Reader<Tx>>;
  readonly #topics: Topic[];
  readonly #log: Log;
  #consumer: Consumer | undefined;
  #deadLetters: Producer | undefined;
  #stopped = false;
  /** Per partition: the batch whose turn it is, and the loop still running over it (see eachBatch). */
  readonly #partitionTurns = new Map<string, symbol>();
  readonly #partitionLoops = new Map<string, Promise<void>>();
  /**
   * The partitions the group gave this member at its last join. A loop
   * waiting for the database over a partition that moved to another member
   * meets no new batch and no failed heartbeat (its own member's heartbeat
   * is fine), so it checks this to stop instead of applying beside the new
   * owner, out of order.
   */
  #assigned: ReadonlySet<string> = new Set();
  /** Where a new group starts instead of the beginning (startNewGroupAtEnd); applied once. */
  #startAt: PartitionOffset[] = [];
  #listeners: ((outcome: Outcome, event: { id?: string; type?: string }) => void)[] = [];
  /** Ends the waits between attempts when the consumer stops. */
  readonly #wakeOnStop = new Set<() => void>();

  constructor(options: ConsumerOptions<Tx>) {
    this.#options = {
      maxAttempts: 5,
      initialBackoffMs: 200,
      maxBackoffMs: 10_000,
      fromBeginning: true,
      sessionTimeoutMs: 30_000,
      partitionsConsumedConcurrently: 3,
      maxEventsPerTransaction: 200,
      ...options,
    };
    this.#readers = readersOf(options.handlers);
    this.#topics = [
      ...new Set(
        options.handlers.flatMap((handler) => [
          handler.definition.topic,
          ...handler.upcasters.map((u) => u.from.topic),
        ]),
      ),
    ];
    this.#log = options.logger.child({ component: 'consumer', group: options.groupId });
  }

  get groupId(): string {
    return this.#options.groupId;
  }

  /** The topics this group reads (its handlers' and their upcasters'). */
  get topics(): readonly Topic[] {
    return this.#topics;
  }

  /**
   * For tests on a shared broker only: if this group never committed, it
   * starts at the topics' ends as of this call instead of their beginning.
   * Call before `start`.
   */
  async startNewGroupAtEnd(admin: Admin): Promise<void> {
    this.#startAt = await endsOfUncommittedPartitions(admin, this.#options.groupId, this.#topics);
  }

  /** Observes outcomes (metrics, tests). */
  onOutcome(listener: (outcome: Outcome, event: { id?: string; type?: string }) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Joins the group. Resolves once consuming runs; while the broker cannot
   * be reached it keeps trying (with backoff) rather than failing the boot.
   */
  async start(): Promise<void> {
    this.#stopped = false;
    for (let attempt = 1; !this.#stopped; attempt += 1) {
      try {
        await this.#connect();
        return;
      } catch (error) {
        const delay = Math.min(500 * 2 ** attempt, 10_000);
        this.#log.warn({ err: error, attempt, retryInMs: delay }, 'cannot start consuming yet, retrying');
        await this.#disconnect();
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #connect(): Promise<void> {
    const { kafka, groupId } = this.#options;
    this.#deadLetters = kafka.producer(producerOptions);
    await this.#deadLetters.connect();
    this.#consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.#options.sessionTimeoutMs,
      heartbeatInterval: this.#heartbeatIntervalMs,
      // kafkajs gives up restarting after its retries (about a minute of broker
      // outage) and leaves the consumer dead; a service must come back by itself.
      retry: { restartOnFailure: async () => true },
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => `${topic}:${partition}`),
        ),
      );
    });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: this.#topics, fromBeginning: this.#options.fromBeginning });
    await this.#consumer.run({
      // Offsets are resolved only after a message's transaction committed (or
      // it was parked), and committed in the background every second or 100
      // messages. A crash re-delivers at most that much, which the inbox
      // drops; a commit per message would cost a broker round trip each
      // (measured: ~6 ms, most of a message's time).
      autoCommit: true,
      autoCommitInterval: 1_000,
      autoCommitThreshold: 100,
      eachBatchAutoResolve: false,
      // Partitions are independent; order is kept within each.
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // kafkajs 2.2.4 can start a new loop over a partition while a batch
        // from before still runs: when one partition's heartbeat fails during
        // a rebalance, the batches of the other partitions are not awaited
        // before fetching starts again from the committed offsets. Two loops
        // over one partition apply its events each once (the inbox) but out
        // of order. So a partition's batches take turns: the newest waits for
        // the one before, and the one before stops at its next message.
        const partition = `${batch.topic}:${batch.partition}`;
        const turn = Symbol(partition);
        this.#partitionTurns.set(partition, turn);
        const before = this.#partitionLoops.get(partition);
        const loop = (async () => {
          await before;
          const hasTurn = () =>
            isRunning() && !isStale() && this.#partitionTurns.get(partition) === turn && this.#assigned.has(partition);
          const { messages } = batch;
          for (let start = 0; start < messages.length; start += this.#options.maxEventsPerTransaction) {
            if (!hasTurn()) return;
            const chunk = messages.slice(start, start + this.#options.maxEventsPerTransaction);
            const together = await this.#applyTogether(batch.topic, batch.partition, chunk, hasTurn, heartbeat);
            if (together === 'interrupted') return;
            if (together === 'applied') {
              resolveOffset(chunk[chunk.length - 1]?.offset ?? messages[start]?.offset ?? '0');
              await heartbeat();
              continue;
            }
            // Something in the chunk failed and rolled the whole chunk back:
            // one event at a time, so only the failing one is retried and parked.
            for (const message of chunk) {
              if (!hasTurn()) return;
              const payload = {
                topic: batch.topic,
                partition: batch.partition,
                message,
                heartbeat,
                pause: () => () => undefined,
              };
              if ((await this.#handleMessage(payload, hasTurn)) === 'interrupted') return;
              resolveOffset(message.offset);
              await heartbeat();
            }
          }
        })();
        const settled = loop.catch(() => undefined);
        this.#partitionLoops.set(partition, settled);
        try {
          await loop;
        } finally {
          if (this.#partitionLoops.get(partition) === settled) this.#partitionLoops.delete(partition);
        }
      },
    });
    // Seeks wait in kafkajs until the partition is assigned to this member.
    for (const start of this.#startAt.splice(0)) this.#consumer.seek(start);
  }

  get #heartbeatIntervalMs(): number {
    return Math.min(3_000, Math.floor(this.#options.sessionTimeoutMs / 3));
  }

  async #disconnect(): Promise<void> {
    await this.#consumer?.disconnect().catch(() => undefined);
    await this.#deadLetters?.disconnect().catch(() => undefined);
  }

  /** Finishes the message in hand, commits what is resolved, and leaves the group. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const wake of this.#wakeOnStop) wake();
    await this.#disconnect();
  }

  /**
   * Applies consecutive messages of one partition in one inbox transaction:
   * their ids recorded in one statement, the handlers in offset order, one
   * commit. Costs a transaction per batch instead of per event (measured:
   * the per-event BEGIN, insert and COMMIT were most of an event's time).
   * 'failed', with nothing applied, when any message cannot be decoded or any
   * handler throws: the caller then goes one event at a time, so a poison
   * event is retried and parked alone and the others still apply. While the
   * database is away the batch waits and is tried again as a whole: taking
   * it apart then would only retry each event against the same outage. A
   * batch whose transaction ran out of time is taken apart even so, since a
   * batch too large for the timeout would run out every time; one at a time
   * its events still wait out an outage rather than being parked.
   */
  async #applyTogether(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    keepGoing: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<'applied' | 'failed' | 'interrupted'> {
    const decoded: { headers: Record<string, string>; event: DecodedEvent<Tx> | 'ignored' }[] = [];
    for (const message of messages) {
      const headers = decodeHeaders(message.headers);
      try {
        decoded.push({ headers, event: decodeEvent(this.#readers, headers, message.value) });
      } catch {
        return 'failed';
      }
    }
    const events = decoded.flatMap(({ headers, event }, index) => {
      if (event === 'ignored') return [];
      const span = startSpan(`${topic} process`, SpanKind.CONSUMER, contextFromHeaders(headers), {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': this.#options.groupId,
        'messaging.message.id': event.attributes.id,
        'messaging.kafka.offset': Number(messages[index]?.offset),
      });
      return [{ ...event, span, trace: traceHeadersOf(span.context) }];
    });
    // A relay that crashed between publishing and marking sent publishes
    // again, so one id can occur twice in a batch: the first applies.
    const applied = new Set<string>();
    for (let attempt = 1; events.length > 0; attempt += 1) {
      applied.clear();
      try {
        await this.#options.inbox.runBatch(
          this.#options.groupId,
          events.map((event) => event.attributes.id),
          async (tx, fresh) => {
            const toApply = events.filter(({ attributes }) => {
              if (!fresh.has(attributes.id) || applied.has(attributes.id)) return false;
              applied.add(attributes.id);
              return true;
            });
            for (const run of runsOfOneHandler(toApply)) {
              const [first] = run;
              if (!first) continue;
              const { handler } = first;
              if (handler.handleMany && run.length > 1) {
                // A run's queries serve all its events; they go under the first one's span.
                const items = run.map(({ data, attributes, trace }) => ({ data, event: attributes, trace }));
                await contexts.with(first.span.context, () => handler.handleMany?.(items, tx));
                continue;
              }
              for (const { data, attributes, span, trace } of run) {
                // Each event's queries (pg instrumentation) become children of its own process span.
                await contexts.with(span.context, () => handler.handle(data, { tx, event: attributes, trace }));
              }
            }
          },
        );
        break;
      } catch (error) {
        const endSpans = () => {
          for (const { span } of events) span.end(error);
        };
        if (!transientFailure(error) || transactionExpired(error)) {
          endSpans();
          this.#log.warn(
            { failure: failureForLog(error), topic, partition, events: events.length },
            'batch rolled back, applying its events one at a time',
          );
          return 'failed';
        }
        const delay = this.#transientBackoffMs(attempt);
        this.#log.warn(
          {
            failure: failureForLog(error),
            transient: true,
            topic,
            partition,
            events: events.length,
            attempt,
            retryInMs: delay,
          },
          'database unavailable, the batch waits for it',
        );
        let goOn: boolean;
        try {
          goOn = await this.#waitBetweenAttempts(delay, keepGoing, heartbeat);
        } catch (heartbeatFailure) {
          // A rebalance: kafkajs rejoins on its own error; the batch is read again.
          endSpans();
          throw heartbeatFailure;
        }
        if (!goOn) {
          endSpans();
          return 'interrupted';
        }
      }
    }
    for (const { span } of events) span.end();
    const seen = new Set<string>();
    for (const { headers, event } of decoded) {
      let outcome: Outcome = 'ignored';
      if (event !== 'ignored') {
        const { id } = event.attributes;
        outcome = applied.has(id) && !seen.has(id) ? 'applied' : 'duplicate';
        seen.add(id);
      }
      for (const listener of this.#listeners) listener(outcome, { id: headers.ce_id, type: headers.ce_type });
    }
    return 'applied';
  }

  /** The wait before the `attempt`+1-th try while the database is away: doubling, capped. */
  #transientBackoffMs(attempt: number): number {
    return Math.min(this.#options.maxBackoffMs, this.#options.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
  }

  /**
   * Waits `ms` before the next attempt, heartbeating at least every
   * heartbeat interval meanwhile, so the member keeps its partitions however
   * long the database stays away. False, at once, when the consumer stops
   * or `keepGoing` says the attempt is no longer this loop's to make (the
   * batch went stale, the partition's turn passed). A failing heartbeat
   * (the group rebalancing) throws kafkajs' error.
   */
  async #waitBetweenAttempts(ms: number, keepGoing: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (this.#stopped || !keepGoing()) return false;
      const left = until - Date.now();
      if (left <= 0) return true;
      await this.#sleep(Math.min(left, this.#heartbeatIntervalMs));
      if (this.#stopped || !keepGoing()) return false;
      await heartbeat();
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakeOnStop.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakeOnStop.add(wake);
    });
  }

  /** The event's outcome, or 'interrupted' when its retries were cut short (nothing parked, nothing resolved). */
  async #handleMessage(payload: EachMessagePayload, keepGoing: () => boolean): Promise<Outcome | 'interrupted'> {
    const headers = decodeHeaders(payload.message.headers);
    let outcome: Outcome;
    try {
      outcome = await this.#process(payload, headers, keepGoing);
    } catch (error) {
      if (error instanceof RetriesInterrupted) {
        // kafkajs rejoins the group on its own heartbeat error; the event is read again after.
        if (error.heartbeatFailure !== undefined) throw error.heartbeatFailure;
        return 'interrupted';
      }
      await this.#deadLetter(payload, headers, error);
      outcome = 'dead-lettered';
    }
    for (const listener of this.#listeners) listener(outcome, { id: headers.ce_id, type: headers.ce_type });
    return outcome;
  }

  async #process(
    payload: EachMessagePayload,
    headers: Record<string, string>,
    keepGoing: () => boolean,
  ): Promise<Outcome> {
    const decoded = decodeEvent(this.#readers, headers, payload.message.value);
    // A topic carries more event types than any one consumer needs.
    if (decoded === 'ignored') return 'ignored';
    const { handler, data, attributes } = decoded;
    const span = startSpan(`${payload.topic} process`, SpanKind.CONSUMER, contextFromHeaders(headers), {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': payload.topic,
      'messaging.consumer.group.name': this.#options.groupId,
      'messaging.message.id': attributes.id,
      'messaging.kafka.offset': Number(payload.message.offset),
    });
    const trace = traceHeadersOf(span.context);
    try {
      // The handler's queries (pg instrumentation) become children of the process span.
      const outcome = await contexts.with(span.context, () =>
        this.#applyWithRetries(payload, handler, data, attributes, trace, keepGoing),
      );
      span.end();
      return outcome;
    } catch (error) {
      span.end(error);
      throw error;
    }
  }

  /**
   * Runs the handler until it succeeds. A failure of the event or the code
   * is tried `maxAttempts` times, then thrown (to the dead letter); while the
   * database is away the event waits for it without limit, since parking it
   * would park every event of the outage and break their keys' order.
   */
  async #applyWithRetries(
    payload: EachMessagePayload,
    handler: EventHandler<Tx>,
    data: unknown,
    attributes: CloudEventAttributes,
    trace: TraceHeaders,
    keepGoing: () => boolean,
  ): Promise<'applied' | 'duplicate'> {
    let failures = 0;
    let unavailable = 0;
    for (;;) {
      let delay: number;
      try {
        return await this.#options.inbox.runOnce(this.#options.groupId, attributes.id, (tx) =>
          handler.handle(data, { tx, event: attributes, trace }),
        );
      } catch (error) {
        if (error instanceof PermanentEventError) throw error;
        const event = { eventId: attributes.id, eventType: attributes.type };
        if (transientFailure(error)) {
          unavailable += 1;
          delay = this.#transientBackoffMs(unavailable);
          this.#log.warn(
            { failure: failureForLog(error), transient: true, ...event, attempt: unavailable, retryInMs: delay },
            'database unavailable, the event waits for it',
          );
        } else {
          failures += 1;
          if (failures >= this.#options.maxAttempts) throw new HandlerFailed(error, failures);
          delay = this.#options.initialBackoffMs * 2 ** (failures - 1);
          this.#log.warn(
            { failure: failureForLog(error), ...event, attempt: failures, retryInMs: delay },
            'event handler failed, retrying',
          );
        }
      }
      let goOn: boolean;
      try {
        goOn = await this.#waitBetweenAttempts(delay, keepGoing, payload.heartbeat);
      } catch (heartbeatFailure) {
        throw new RetriesInterrupted(heartbeatFailure);
      }
      if (!goOn) throw new RetriesInterrupted();
    }
  }

  async #deadLetter(payload: EachMessagePayload, headers: Record<string, string>, error: unknown): Promise<void> {
    const { topic, partition, message } = payload;
    const { reason, failure } = deadLetterReason(error);
    this.#log.error(
      { eventId: headers.ce_id, eventType: headers.ce_type, topic, partition, offset: message.offset, reason },
      'event sent to the dead-letter topic',
    );
    // If the dead-letter topic itself is unreachable this throws: kafkajs then
    // retries the message instead of committing past an event we did not park.
    await this.#deadLetters?.send({
      topic: deadLetterTopic(topic as Topic),
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...headers,
            dlq_error: reason.slice(0, 2_000),
            dlq_error_class: failure.errorClass,
            ...(failure.code ? { dlq_error_code: failure.code } : {}),
            ...(failure.sqlState ? { dlq_sql_state: failure.sqlState } : {}),
            dlq_topic: topic,
            dlq_partition: String(partition),
            dlq_offset: message.offset,
            dlq_consumer_group: this.#options.groupId,
            dlq_failed_at: new Date().toISOString(),
          },
        },
      ],
    });
  }
}

/** Splits events, in order, into runs of consecutive events for the same handler. */
export function runsOfOneHandler<T extends { handler: unknown }>(events: T[]): T[][] {
  const runs: T[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last && last[0]?.handler === event.handler) last.push(event);
    else runs.push([event]);
  }
  return runs;
}

export interface DecodedEvent<Tx> {
  handler: EventHandler<Tx>;
  /** The data in the version the handler is written for (upcast when older). */
  data: unknown;
  attributes: CloudEventAttributes;
}

/**
 * Reads one Kafka message as the handlers see it: envelope, JSON, schema of
 * its own version, upcast to the handler's version. Throws
 * PermanentEventError naming the event id, type and failing fields when any
 * step fails; 'ignored' when no handler wants the type.
 */
export function decodeEvent<Tx>(
  readers: Map<string, Reader<Tx>> | EventHandler<Tx>[],
  headers: Record<string, string>,
  value: Buffer | string | null,
): DecodedEvent<Tx> | 'ignored' {
  const byType = Array.isArray(readers) ? readersOf(readers) : readers;
  let attributes: CloudEventAttributes;
  try {
    attributes = fromKafkaHeaders(headers);
  } catch (error) {
    if (error instanceof EnvelopeError) throw new PermanentEventError(error.message);
    throw error;
  }
  const reader = byType.get(attributes.type);
  if (!reader) return 'ignored';
  const what = `event ${attributes.id} (${attributes.type})`;

  let raw: unknown;
  try {
    raw = JSON.parse(value?.toString() ?? '');
  } catch {
    throw new PermanentEventError(`${what}: data is not valid JSON`);
  }
  const parsed = reader.schema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (issue: z.core.$ZodIssue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new PermanentEventError(`${what}: data does not match its schema: ${fields.join('; ')}`);
  }
  try {
    return { handler: reader.handler, data: reader.toCurrent(parsed.data), attributes };
  } catch (error) {
    // An upcaster's own message may quote the data; the current schema's issues name fields only.
    const issues = (error as { issues?: z.core.$ZodIssue[] } | null)?.issues;
    const why = Array.isArray(issues)
      ? issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
      : failureForLog(error).errorClass;
    throw new PermanentEventError(`${what}: cannot upcast to ${reader.handler.definition.type}: ${why}`);
  }
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    decoded[name] = Array.isArray(value) ? String(value[0]) : value.toString();
  }
  return decoded;
}

/**
 * The floor every latency bench compares against: send() of a bare kafkajs
 * producer → eachMessage of a bare kafkajs consumer, one message per send at
 * a fixed rate, no database. bench:messaging and bench:latency both measure
 * it in their own run.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Kafka, producerOptions } from '@vangnet/messaging/kafka';
import type { OutboxMessage } from '@vangnet/messaging/outbox';
import { distribution, paced, until } from '@vangnet/testing/bench';
import { benchEvent, makeMessages, toKafkaMessage } from './bench-messages.ts';

export interface BareLatencyOptions {
  kafka: Kafka;
  /** An existing topic of the bench's own. */
  topic: string;
  groupId: string;
  /** Message keys, round-robin; a fresh set when omitted. */
  caseIds?: string[];
  rate: number;
  seconds: number;
  /** Sent first and not timed: the group join, JIT and metadata are over before the clock runs. */
  warmupEvents: number;
  drainTimeoutMs: number;
}

export async function bareLatency(options: BareLatencyOptions) {
  const { kafka, topic, rate } = options;
  const caseIds = options.caseIds ?? Array.from({ length: 100 }, () => randomUUID());
  const definition = benchEvent(topic);
  const sent = new Map<string, number>();
  const received = new Map<string, number>();
  let receivedCount = 0;
  const producer = kafka.producer({ ...producerOptions, idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  const seqByKey = new Map<string, number>();
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = performance.now();
        const header = message.headers?.ce_id;
        const id = Array.isArray(header) ? String(header[0]) : header?.toString();
        receivedCount += 1;
        if (id !== undefined && sent.has(id)) received.set(id, at);
      },
    });
    const send = async (message: OutboxMessage, record: boolean) => {
      if (record) sent.set(message.eventId, performance.now());
      await producer.send({ topic, messages: [toKafkaMessage(message)], acks: -1 });
    };

    const warmup = makeMessages(definition, caseIds, options.warmupEvents, seqByKey);
    await paced(warmup, rate, (message) => send(message, false));
    if (!(await until(() => receivedCount >= warmup.length, options.drainTimeoutMs, 5)))
      throw new Error(`bare warm-up: ${receivedCount} of ${warmup.length} received`);

    const count = rate * options.seconds;
    const messages = makeMessages(definition, caseIds, count, seqByKey);
    const achievedRate = await paced(messages, rate, (message) => send(message, true));
    const drained = await until(() => received.size >= count, options.drainTimeoutMs, 10);
    const latencies = [...received].map(([id, at]) => at - (sent.get(id) as number));
    return {
      events: count,
      achievedSendRate: Math.round(achievedRate),
      complete: drained,
      measured: latencies.length,
      produceToConsumed: distribution(latencies),
    };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

/**
 * The bench-only event both Kafka benches send (bench:messaging and
 * bench:kafka-clients), so their figures are for the same message sizes.
 */
import { defineEvent } from '@vangnet/contracts/events';
import type { Topic } from '@vangnet/contracts/topics';
import { type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import { z } from 'zod';

export const SOURCE = 'urn:nld:oin:00000000000000000000:systeem:bench';

/** Size of each event's free-text field, to get realistic message sizes. */
export const NOTE_CHARS = 200;

/** A bench-only event on a bench-only topic; never part of the contracts. */
export function benchEvent(topic: string) {
  return defineEvent({
    domain: 'bench',
    name: 'LoadGenerated',
    version: 1,
    topic: topic as Topic,
    schema: z.strictObject({
      caseId: z.uuid(),
      seq: z.number().int().nonnegative(),
      note: z.string().max(1_000),
    }),
    key: (data) => data.caseId,
  });
}

export type BenchEvent = ReturnType<typeof benchEvent>;

/** Events spread round-robin over the keys, `seq` counting per key. */
export function makeMessages(
  definition: BenchEvent,
  caseIds: string[],
  count: number,
  seqByKey: Map<string, number>,
): OutboxMessage[] {
  const note = 'x'.repeat(NOTE_CHARS);
  const messages: OutboxMessage[] = [];
  for (let i = 0; i < count; i += 1) {
    const caseId = caseIds[i % caseIds.length] as string;
    const seq = seqByKey.get(caseId) ?? 0;
    seqByKey.set(caseId, seq + 1);
    messages.push(outboxMessage(definition, { caseId, seq, note }, { source: SOURCE }));
  }
  return messages;
}

export interface BenchKafkaMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** The Kafka message the relay makes of an outbox row (see groupByTopic in relay.ts). */
export function toKafkaMessage(message: OutboxMessage): BenchKafkaMessage {
  return { key: message.messageKey, value: JSON.stringify(message.payload), headers: message.headers };
}

/** Size of one bench message as the broker stores it: key, value, and headers with their names. */
export function messageBytes(caseIds: string[]) {
  const [sample] = makeMessages(benchEvent('bench.sample'), caseIds, 1, new Map());
  if (!sample) throw new Error('no sample message');
  const kafkaMessage = toKafkaMessage(sample);
  const headers = Object.entries(kafkaMessage.headers).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  return { key: Buffer.byteLength(kafkaMessage.key), value: Buffer.byteLength(kafkaMessage.value), headers };
}

import type { OutboxMessage } from '@vangnet/messaging/outbox';
import type { RawSql } from './inbox.ts';

/**
 * Appends events to the service's `outbox` table inside the caller's
 * transaction: the state change and its events commit together or not at
 * all. The relay publishes them; nothing in a request calls Kafka.
 */
export async function appendToOutbox(tx: RawSql, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  // One statement for all: a batch of routings appends hundreds. The rows
  // take their sequence numbers in the order given (ORDER BY the ordinality),
  // which is the order the relay publishes a key's events in.
  await tx.$executeRaw`
    INSERT INTO outbox (event_id, topic, message_key, headers, payload)
    SELECT event_id, topic, message_key, headers::jsonb, payload::jsonb
      FROM unnest(${messages.map((m) => m.eventId)}::uuid[], ${messages.map((m) => m.topic)}::text[],
                  ${messages.map((m) => m.messageKey)}::text[],
                  ${messages.map((m) => JSON.stringify(m.headers))}::text[],
                  ${messages.map((m) => JSON.stringify(m.payload))}::text[])
           WITH ORDINALITY AS m(event_id, topic, message_key, headers, payload, position)
     ORDER BY position`;
}

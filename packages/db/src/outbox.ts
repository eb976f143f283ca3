import type { OutboxMessage } from '@vangnet/messaging/outbox';
import type { RawSql } from './inbox.ts';

/**
 * Appends events to the service's `outbox` table inside the caller's
 * transaction: the state change and its events commit together or not at
 * all. The relay publishes them; nothing in a request calls Kafka.
 */
export async function appendToOutbox(tx: RawSql, messages: OutboxMessage[]): Promise<void> {
  for (const message of messages) {
    await tx.$executeRaw`
      INSERT INTO outbox (event_id, topic, message_key, headers, payload)
      VALUES (${message.eventId}::uuid, ${message.topic}, ${message.messageKey},
              ${JSON.stringify(message.headers)}::jsonb, ${JSON.stringify(message.payload)}::jsonb)`;
  }
}

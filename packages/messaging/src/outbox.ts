import { randomUUID } from 'node:crypto';
import { CONTENT_TYPE, SPEC_VERSION, toKafkaHeaders } from '@vangnet/contracts/envelope';
import type { EventData, EventDefinition } from '@vangnet/contracts/events';
import type { z } from 'zod';

/** One row of a service's `outbox` table, ready to insert in the caller's transaction. */
export interface OutboxMessage {
  eventId: string;
  topic: string;
  messageKey: string;
  headers: Record<string, string>;
  payload: unknown;
}

export interface OutboxContext {
  /** CloudEvents `source` of the emitting service (NL GOV profile URN). */
  source: string;
  /** Trace context of the request, restored when the relay publishes. */
  traceparent?: string;
  tracestate?: string;
  time?: Date;
}

/**
 * Builds the outbox row for one event. The data is parsed with the event's
 * own schema here, at the producer: a bug that would publish an invalid or
 * too-fat event fails the request instead of reaching every consumer.
 */
export function outboxMessage<D extends EventDefinition<string, z.ZodType>>(
  definition: D,
  data: EventData<D>,
  context: OutboxContext,
): OutboxMessage {
  const payload = definition.schema.parse(data) as EventData<D>;
  const eventId = randomUUID();
  const key = definition.key(payload);
  return {
    eventId,
    topic: definition.topic,
    messageKey: key,
    headers: toKafkaHeaders({
      id: eventId,
      source: context.source,
      type: definition.type,
      specversion: SPEC_VERSION,
      time: (context.time ?? new Date()).toISOString(),
      datacontenttype: CONTENT_TYPE,
      dataschema: definition.dataschema,
      subject: key,
      ...(context.traceparent ? { traceparent: context.traceparent } : {}),
      ...(context.tracestate ? { tracestate: context.tracestate } : {}),
    }),
    payload,
  };
}

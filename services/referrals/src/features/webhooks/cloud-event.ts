import { eventDefinitionOf } from '@vangnet/contracts/registry';

/** The media type of a CloudEvent in structured JSON mode (the whole event is the body). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

export interface DeliveredEvent {
  eventId: string;
  eventType: string;
  eventSource: string;
  eventSubject: string | null;
  eventTime: string;
  data: unknown;
}

/**
 * The request body of a delivery: CloudEvents 1.0 in structured JSON mode,
 * with the same id, type, source, subject and time as the event on Kafka,
 * and `data` exactly the thin event data (ids and codes; personal details
 * stay behind the API, which checks who asks). `dataschema` as on Kafka for
 * the registry's events; the webhook-only types have no AsyncAPI schema.
 */
export function cloudEventBody(event: DeliveredEvent): string {
  const dataschema = eventDefinitionOf(event.eventType)?.dataschema;
  return JSON.stringify({
    specversion: '1.0',
    id: event.eventId,
    source: event.eventSource,
    type: event.eventType,
    ...(event.eventSubject ? { subject: event.eventSubject } : {}),
    time: event.eventTime,
    datacontenttype: 'application/json',
    ...(dataschema ? { dataschema } : {}),
    data: event.data,
  });
}

/**
 * CloudEvents 1.0 in Kafka binary content mode: attributes travel as `ce_*`
 * headers, the data as the JSON message value. Binary mode lets brokers,
 * routers and dead-letter tooling read the type and id without parsing (or
 * being allowed to see) the body.
 *
 * `source` follows the NL GOV CloudEvents profile: a URN naming the
 * organisation by its OIN and the system that emitted the event.
 */

export const SPEC_VERSION = '1.0';
export const CONTENT_TYPE = 'application/json';

export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  specversion: typeof SPEC_VERSION;
  time: string;
  datacontenttype: typeof CONTENT_TYPE;
  /** Aggregate id the event is about (never personal data). */
  subject?: string;
  /** W3C trace context of the request that caused the event. */
  traceparent?: string;
  tracestate?: string;
}

export type KafkaHeaders = Record<string, string>;

/** `urn:nld:oin:<OIN>:systeem:<system>` as the NL GOV profile asks. */
export function nlGovSource(oin: string, system: string): string {
  return `urn:nld:oin:${oin}:systeem:${system}`;
}

export function toKafkaHeaders(attributes: CloudEventAttributes): KafkaHeaders {
  const headers: KafkaHeaders = {
    ce_specversion: attributes.specversion,
    ce_id: attributes.id,
    ce_source: attributes.source,
    ce_type: attributes.type,
    ce_time: attributes.time,
    'content-type': attributes.datacontenttype,
  };
  if (attributes.subject) headers.ce_subject = attributes.subject;
  if (attributes.traceparent) headers.traceparent = attributes.traceparent;
  if (attributes.tracestate) headers.tracestate = attributes.tracestate;
  return headers;
}

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

/** Reads the attributes back; throws EnvelopeError naming what is missing. */
export function fromKafkaHeaders(headers: Record<string, string | undefined>): CloudEventAttributes {
  const missing = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time'].filter((name) => !headers[name]);
  if (missing.length > 0) throw new EnvelopeError(`missing CloudEvents headers: ${missing.join(', ')}`);
  if (headers.ce_specversion !== SPEC_VERSION) {
    throw new EnvelopeError(`unsupported CloudEvents specversion ${headers.ce_specversion}`);
  }
  const contentType = headers['content-type'] ?? CONTENT_TYPE;
  if (contentType !== CONTENT_TYPE) throw new EnvelopeError(`unsupported content-type ${contentType}`);
  return {
    id: headers.ce_id as string,
    source: headers.ce_source as string,
    type: headers.ce_type as string,
    specversion: SPEC_VERSION,
    time: headers.ce_time as string,
    datacontenttype: CONTENT_TYPE,
    ...(headers.ce_subject ? { subject: headers.ce_subject } : {}),
    ...(headers.traceparent ? { traceparent: headers.traceparent } : {}),
    ...(headers.tracestate ? { tracestate: headers.tracestate } : {}),
  };
}

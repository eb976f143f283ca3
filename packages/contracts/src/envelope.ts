/**
 * CloudEvents 1.0 in Kafka binary content mode: attributes travel as `ce_*`
 * headers, the data as the JSON message value. Binary mode lets brokers,
 * routers and dead-letter tooling read the type and id without parsing (or
 * being allowed to see) the body.
 *
 * `source` follows the NL GOV CloudEvents profile: a URN naming the
 * organisation by its OIN and the system that emitted the event, and
 * `dataschema` names the JSON Schema of the event's type and version.
 */

import { z } from 'zod';

export const SPEC_VERSION = '1.0';
export const CONTENT_TYPE = 'application/json';

/**
 * Where the AsyncAPI document (docs/asyncapi.json, `pnpm asyncapi`) is
 * published. Each event's `dataschema` is this URL with a JSON pointer to
 * its version's payload schema, so it names one schema for good: a new
 * version gets a new pointer, an old one keeps its own.
 */
export const EVENT_SCHEMAS_URL = 'https://vangnet.nl/asyncapi/asyncapi.json';

export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  specversion: typeof SPEC_VERSION;
  time: string;
  datacontenttype: typeof CONTENT_TYPE;
  /** The JSON Schema of `data` for this type and version (NL GOV profile). */
  dataschema?: string;
  /** Aggregate id the event is about (never personal data). */
  subject?: string;
  /** W3C trace context of the request that caused the event. */
  traceparent?: string;
  tracestate?: string;
}

export type KafkaHeaders = Record<string, string>;

/**
 * The headers of every event message as a schema: the AsyncAPI document
 * describes them from this, and the stored samples are checked against it.
 * Not strict: dead-letter and broker tooling add headers of their own.
 */
export const CloudEventHeaders = z.object({
  ce_specversion: z.literal(SPEC_VERSION).describe('CloudEvents spec version'),
  ce_id: z.string().min(1).max(200).describe('Unique per event; consumers deduplicate on it (idempotent inbox)'),
  ce_source: z
    .string()
    .regex(/^urn:nld:oin:\d{20}:systeem:[a-z0-9-]+$/)
    .describe('The emitting system as a NL GOV CloudEvents URN: urn:nld:oin:<OIN>:systeem:<system>'),
  ce_type: z
    .string()
    .regex(/^nl\.vangnet\.[a-z]+\.[A-Z][A-Za-z]+\.v\d+$/)
    .describe('Event type and version, e.g. nl.vangnet.networks.RoutingDecided.v2'),
  ce_time: z.iso.datetime({ offset: true }).describe('When it happened (RFC 3339)'),
  ce_dataschema: z
    .url()
    .optional()
    .describe(
      'The JSON Schema of the data for this type and version: the AsyncAPI document with a pointer to the payload schema. Every event carries it; events published before it was introduced do not',
    ),
  ce_subject: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('The aggregate id the event is about; equals the message key'),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional()
    .describe('W3C trace context of the request that caused the event'),
  tracestate: z.string().max(512).optional().describe('W3C trace state, vendor data of the trace'),
  'content-type': z.literal(CONTENT_TYPE).describe('Media type of the message value (CloudEvents datacontenttype)'),
});

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
  if (attributes.dataschema) headers.ce_dataschema = attributes.dataschema;
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
    ...(headers.ce_dataschema ? { dataschema: headers.ce_dataschema } : {}),
    ...(headers.ce_subject ? { subject: headers.ce_subject } : {}),
    ...(headers.traceparent ? { traceparent: headers.traceparent } : {}),
    ...(headers.tracestate ? { tracestate: headers.tracestate } : {}),
  };
}

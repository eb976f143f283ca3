import { z } from 'zod';
import { EVENT_SCHEMAS_URL } from './envelope.ts';
import type { Topic } from './topics.ts';

/**
 * One event definition, imported by producer and consumer alike.
 *
 * `type` is the CloudEvents `type` attribute: reverse-DNS, past tense and
 * versioned, so two versions of one event can live on one topic and a
 * consumer tells them apart without reading the body.
 */
export interface EventDefinition<Name extends string, Schema extends z.ZodType> {
  /** The service that owns and alone publishes the event, e.g. `signals`. */
  readonly domain: string;
  /** Past-tense name, e.g. `SignalReceived`. */
  readonly name: Name;
  readonly version: number;
  /** CloudEvents type, e.g. `nl.vangnet.signals.SignalReceived.v1`. */
  readonly type: string;
  readonly topic: Topic;
  /** What a producer must send: strict, so a typo or a field nobody defined is refused at the outbox. */
  readonly schema: Schema;
  /**
   * What a consumer accepts: the same schema, but fields it does not know
   * are dropped instead of refused (a tolerant reader). A producer running
   * newer contracts may then add an optional field to a version without
   * dead-lettering its events at consumers still on the older build, so
   * no deploy order between services is needed. Only the top level is
   * tolerant: that is where optional fields are added.
   */
  readonly readSchema: z.ZodType<z.infer<Schema>>;
  /** `RoutingDecidedV2`: the key of its payload schema in the AsyncAPI document. */
  readonly schemaName: string;
  /** CloudEvents `dataschema`: that payload schema in the published AsyncAPI document. */
  readonly dataschema: string;
  /**
   * Kafka message key: the aggregate whose order matters. Keys must never
   * hold personal data (they show up in broker tooling and logs).
   */
  readonly key: (data: z.infer<Schema>) => string;
  /** One line for the AsyncAPI document; the why lives in the doc comment. */
  readonly summary?: string;
}

export type EventData<D> = D extends EventDefinition<string, infer S> ? z.infer<S> : never;

export function defineEvent<Name extends string, Schema extends z.ZodType>(definition: {
  domain: string;
  name: Name;
  version: number;
  topic: Topic;
  schema: Schema;
  key: (data: z.infer<Schema>) => string;
  summary?: string;
}): EventDefinition<Name, Schema> {
  return Object.freeze({
    domain: definition.domain,
    name: definition.name,
    version: definition.version,
    type: `nl.vangnet.${definition.domain}.${definition.name}.v${definition.version}`,
    topic: definition.topic,
    schema: definition.schema,
    readSchema: tolerant(definition.schema),
    schemaName: `${definition.name}V${definition.version}`,
    dataschema: `${EVENT_SCHEMAS_URL}#/components/schemas/${definition.name}V${definition.version}`,
    key: definition.key,
    ...(definition.summary ? { summary: definition.summary } : {}),
  });
}

function tolerant<Schema extends z.ZodType>(schema: Schema): z.ZodType<z.infer<Schema>> {
  const reader = schema instanceof z.ZodObject ? schema.strip() : schema;
  return reader as unknown as z.ZodType<z.infer<Schema>>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every schema
export type AnyEventDefinition = EventDefinition<string, any>;

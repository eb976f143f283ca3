import { z } from 'zod';
import { CloudEventHeaders } from './envelope.ts';
import type { AnyEventDefinition } from './events.ts';
import { eventRegistry, isCurrentVersion } from './registry.ts';
import { readSamples } from './samples.ts';
import { bulkLane, type Topic, topicSettings, topics } from './topics.ts';

/**
 * The AsyncAPI 3.0 document of every event, generated from the registry and
 * the topics as OpenAPI is generated from the HTTP schemas: nobody edits the
 * document, so it cannot disagree with the code. `pnpm asyncapi` writes it to
 * docs/asyncapi.json; a test fails when the committed file is stale.
 *
 * Channels are the topics (address = topic name) and list every version that
 * may be read from them; operations are the owning service's `send` and list
 * only the versions it publishes today, as an older version is only still
 * readable (through an upcaster at the consumer), never sent.
 */

export const ASYNCAPI_INFO_VERSION = '1.0.0';

/** `routingDecisions` for `routing.decisions.v1`: the channel id is the key in topics.ts. */
const channelIds = new Map<Topic, string>(Object.entries(topics).map(([id, topic]) => [topic, id]));

function channelId(topic: Topic): string {
  const id = channelIds.get(topic);
  if (!id) throw new Error(`topic ${topic} is not in topics.ts`);
  return id;
}

/** `RoutingDecidedV2`: unique per CloudEvents type, usable as an AsyncAPI component key. */
export const messageId = (definition: AnyEventDefinition): string => definition.schemaName;

type JsonSchema = Record<string, unknown>;

/** zod → JSON Schema draft-07 (what AsyncAPI schemas extend), describing what a producer may send. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-07' });
  return rest;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function message(definition: AnyEventDefinition, examples: ReturnType<typeof readSamples>): JsonSchema {
  const superseded = !isCurrentVersion(definition);
  return {
    name: definition.name,
    title: `${definition.name} v${definition.version}`,
    ...(definition.summary || superseded
      ? {
          summary: [
            definition.summary,
            superseded ? 'Superseded: no longer published, still readable through upcasters.' : undefined,
          ]
            .filter(Boolean)
            .join(' '),
        }
      : {}),
    contentType: 'application/json',
    headers: {
      allOf: [
        { $ref: '#/components/schemas/CloudEventHeaders' },
        { type: 'object', properties: { ce_type: { type: 'string', const: definition.type } } },
      ],
    },
    payload: { $ref: `#/components/schemas/${messageId(definition)}` },
    bindings: {
      kafka: {
        key: { type: 'string', description: `The aggregate whose order matters (${definition.domain} owns it)` },
        bindingVersion: '0.5.0',
      },
    },
    examples: examples
      .filter((sample) => sample.type === definition.type)
      .map((sample) => ({ name: sample.file, headers: sample.headers, payload: sample.data })),
  };
}

export function buildAsyncApiDocument(): Record<string, unknown> {
  const samples = readSamples();
  const definedTopics = [...new Set(eventRegistry.map((definition) => definition.topic))];
  // A bulk lane carries its topic's events: the same messages on a channel of its own.
  const mainOf = new Map<Topic, Topic>(
    definedTopics.flatMap((topic) => (bulkLane[topic] ? [[bulkLane[topic], topic] as const] : [])),
  );
  const usedTopics = [...definedTopics, ...mainOf.keys()];
  const definitionsOn = (topic: Topic) =>
    eventRegistry.filter((definition) => definition.topic === (mainOf.get(topic) ?? topic));

  const channels = Object.fromEntries(
    usedTopics.map((topic) => {
      const settings = topicSettings[topic];
      const definitions = definitionsOn(topic);
      const main = mainOf.get(topic);
      const lane = main ? ` The bulk lane of ${main}: file and batch intake and the decisions on it.` : '';
      return [
        channelId(topic),
        {
          address: topic,
          title: topic,
          description: `Published by ${[...new Set(definitions.map((d) => d.domain))].join(', ')}. Dead letters of a consumer group go to ${topic}.dlq.${lane}`,
          messages: Object.fromEntries(
            definitions.map((definition) => [
              messageId(definition),
              { $ref: `#/components/messages/${messageId(definition)}` },
            ]),
          ),
          bindings: {
            kafka: {
              topic,
              partitions: settings.partitions,
              topicConfiguration: { 'cleanup.policy': [settings.compacted ? 'compact' : 'delete'] },
              bindingVersion: '0.5.0',
            },
          },
        },
      ];
    }),
  );

  // One send operation per owning service and topic.
  const operations: Record<string, unknown> = {};
  for (const topic of usedTopics) {
    const current = definitionsOn(topic).filter(isCurrentVersion);
    for (const owner of [...new Set(current.map((definition) => definition.domain))]) {
      const id = channelId(topic);
      operations[`${owner}Send${capitalise(id)}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${id}` },
        title: `${owner} publishes to ${topic}`,
        summary: `The ${owner} service publishes these events through its transactional outbox.`,
        messages: current
          .filter((definition) => definition.domain === owner)
          .map((definition) => ({ $ref: `#/channels/${id}/messages/${messageId(definition)}` })),
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Vangnet events',
      version: ASYNCAPI_INFO_VERSION,
      description:
        'Integration events between the Vangnet services (signals, networks, referrals). CloudEvents 1.0 in Kafka binary mode: attributes as ce_* headers, JSON data as the value. Events are thin: ids, codes and the few fields a consumer routes on; personal details stay with the owning service. Generated from packages/contracts: run pnpm asyncapi.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: 'localhost:19092',
        protocol: 'kafka',
        description: 'The local single-node Kafka of pnpm start.',
      },
    },
    channels,
    operations,
    components: {
      schemas: {
        CloudEventHeaders: jsonSchema(CloudEventHeaders),
        ...Object.fromEntries(
          eventRegistry.map((definition) => [messageId(definition), jsonSchema(definition.schema)]),
        ),
      },
      messages: Object.fromEntries(
        eventRegistry.map((definition) => [messageId(definition), message(definition, samples)]),
      ),
    },
  };
}

/** The file content of docs/asyncapi.json: pretty JSON with a trailing newline. */
export const asyncApiJson = (): string => `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`;

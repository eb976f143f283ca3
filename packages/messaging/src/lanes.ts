import type { AnyEventDefinition } from '@vangnet/contracts/events';
import { bulkLane, type Lane, type Topic, topicOnLane } from '@vangnet/contracts/topics';
import { type ConsumerOptions, EventConsumer, type EventHandler } from './consumer.ts';
import type { OutboxMessage } from './outbox.ts';

export type { Lane } from '@vangnet/contracts/topics';

/** The same outbox row, published on the given lane of its topic (see bulkLane in topics.ts). */
export const onLane = (message: OutboxMessage, lane: Lane): OutboxMessage =>
  lane === 'main' ? message : { ...message, topic: topicOnLane(message.topic as Topic, lane) };

const definitionOnLane = (definition: AnyEventDefinition, lane: Lane): AnyEventDefinition =>
  Object.freeze({ ...definition, topic: topicOnLane(definition.topic, lane) });

/**
 * The handlers that read a topic with a bulk lane, re-addressed to that lane
 * (schema, type and upcasters unchanged). Handlers of topics without one are
 * left out: they have nothing to read there.
 */
export function handlersOnBulkLane<Tx>(handlers: EventHandler<Tx>[]): EventHandler<Tx>[] {
  return handlers
    .filter((handler) => bulkLane[handler.definition.topic] !== undefined)
    .map((handler) => ({
      ...handler,
      definition: definitionOnLane(handler.definition, 'bulk'),
      upcasters: handler.upcasters
        .filter((upcaster) => bulkLane[upcaster.from.topic] !== undefined)
        .map((upcaster) => ({ ...upcaster, from: definitionOnLane(upcaster.from, 'bulk') })),
    }));
}

/**
 * One consumer group's consumers: the group on its topics, and, when any of
 * them has a bulk lane, a second group `<groupId>.bulk` on the lanes. Two
 * groups, not one group on both topics: one consumer works its fetched
 * batches a few partitions at a time, so a backlog on the lane would hold
 * the slots a crisis on the main topic needs. Each has its own inbox
 * entries and offsets; an event is on one topic only, so nothing is
 * applied twice. `bulkHandlers` overrides what the lane runs (the router
 * publishes its bulk decisions on the decisions' bulk lane).
 */
export function laneConsumers<Tx>(
  options: ConsumerOptions<Tx>,
  bulkHandlers: EventHandler<Tx>[] = options.handlers,
): EventConsumer<Tx>[] {
  const main = new EventConsumer(options);
  const onBulk = handlersOnBulkLane(bulkHandlers);
  if (onBulk.length === 0) return [main];
  return [main, new EventConsumer({ ...options, groupId: `${options.groupId}.bulk`, handlers: onBulk })];
}

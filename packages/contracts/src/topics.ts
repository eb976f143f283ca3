/**
 * Kafka topic names.
 *
 * WARNING: these names are a public interface. Consumers, retention settings,
 * ACLs and the k8s KafkaTopic resources refer to them. Renaming one strands
 * every unread event on the old topic: a rename needs a migration plan
 * (dual-publish, drain, switch consumers), never an edit here alone.
 */
export const topics = {
  signalsEvents: 'signals.events.v1',
  networksEvents: 'networks.events.v1',
  routingDecisions: 'routing.decisions.v1',
  referralsEvents: 'referrals.events.v1',
  /** The bulk lane of signals.events.v1: case events of file and batch intake (see bulkLane). */
  signalsBulk: 'signals.bulk.v1',
  /** The bulk lane of routing.decisions.v1: the router's decisions on bulk-lane items. */
  routingDecisionsBulk: 'routing.decisions.bulk.v1',
} as const;

export type Topic = (typeof topics)[keyof typeof topics];

/** Dead letters of one consumer group go to `<topic>.dlq`. */
export const deadLetterTopic = (topic: Topic): string => `${topic}.dlq`;

/**
 * How each topic is created. Partitions bound the consumer parallelism of a
 * group; keys (one household case, one referral) keep per-aggregate order.
 */
export const topicSettings: Record<Topic, { partitions: number; compacted: boolean }> = {
  [topics.signalsEvents]: { partitions: 6, compacted: false },
  [topics.networksEvents]: { partitions: 3, compacted: true },
  [topics.routingDecisions]: { partitions: 6, compacted: false },
  [topics.referralsEvents]: { partitions: 6, compacted: false },
  [topics.signalsBulk]: { partitions: 6, compacted: false },
  [topics.routingDecisionsBulk]: { partitions: 6, compacted: false },
};

/**
 * Lanes. An event is defined once, on its topic; a topic listed here has a
 * bulk lane beside it that carries the same event types (same schema, type
 * and key) for work that arrives in bulk: the rows of a file delivery or a
 * batch, and the routing decisions on them. Every consumer group of such a
 * topic runs a second consumer on the bulk lane, so a backlog of 100,000
 * file rows there never delays a single signal, a crisis or a GP referral
 * on the topic itself. A crisis never goes on a bulk lane, whichever way it
 * arrived.
 */
export const bulkLane: Partial<Record<Topic, Topic>> = {
  [topics.signalsEvents]: topics.signalsBulk,
  [topics.routingDecisions]: topics.routingDecisionsBulk,
};

export type Lane = 'main' | 'bulk';

/** The topic an event of `topic` travels on in `lane` (the topic itself when it has no such lane). */
export const topicOnLane = (topic: Topic, lane: Lane): Topic => (lane === 'bulk' ? (bulkLane[topic] ?? topic) : topic);

export const allTopics: Topic[] = Object.values(topics);

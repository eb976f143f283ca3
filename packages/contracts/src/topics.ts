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
};

export const allTopics: Topic[] = Object.values(topics);

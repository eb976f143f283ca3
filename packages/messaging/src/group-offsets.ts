import type { Admin } from 'kafkajs';

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The current end of every partition on which the group never committed:
 * where a group that should see only what is published from now on starts.
 *
 * For tests on a shared broker: every test file starts the services with
 * consumer groups of its own, and a new group otherwise reads each topic
 * from its beginning, i.e. every event all earlier test files published.
 * Taken before the group's first member joins and applied as a seek when it
 * does, so an event published after this call is never missed (kafkajs'
 * `fromBeginning: false` takes the end only at assignment, seconds later;
 * `admin.setOffsets` joins the group itself and takes as long).
 *
 * Never for a production deployment: a new read model must read its
 * compacted topic from the beginning, and a new service must not skip what
 * waited for it.
 */
export async function endsOfUncommittedPartitions(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionOffset[]> {
  const committed = await retryingCoordinatorErrors(() => admin.fetchOffsets({ groupId, topics: [...topics] }));
  const starts: PartitionOffset[] = [];
  for (const { topic, partitions } of committed) {
    const uncommitted = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
    if (uncommitted.size === 0) continue;
    for (const end of await admin.fetchTopicOffsets(topic)) {
      if (uncommitted.has(end.partition)) starts.push({ topic, partition: end.partition, offset: end.high });
    }
  }
  return starts;
}

/**
 * On a fresh broker the first group request finds no coordinator yet (the
 * offsets topic is being created: NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE,
 * both retriable); kafkajs' admin passes that on instead of retrying.
 */
async function retryingCoordinatorErrors<T>(request: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2_000)));
    }
  }
}

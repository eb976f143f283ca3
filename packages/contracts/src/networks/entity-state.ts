import { z } from 'zod';

/**
 * What every entity-change event on the compacted networks.events.v1 topic
 * carries besides the entity's current state.
 *
 * Deletion is `active: false`, never a Kafka tombstone: a referral or a
 * decision may name a team or neighbourhood long after it stopped, so
 * consumers keep the entity and stop routing to it; and a null value has no
 * CloudEvents envelope or data our consumers could read (it would be
 * dead-lettered). Compaction still keeps one message per key: the last state.
 *
 * Keys are `<entity>:<id>` (`team:…`, `neighbourhood:BU…`, `partner:…`):
 * three entity kinds share the topic and compaction keeps only the last
 * message per key, so a bare id of one kind must never be able to erase
 * another kind's state.
 *
 * `revision` grows by one with every change of the entity: a read model
 * stores it and ignores a message whose revision is not higher than the one
 * it holds, so a redelivered or replayed older state never overwrites a
 * newer one.
 */
export const entityState = {
  active: z.boolean().describe('false: the entity stopped; keep it, but route nothing to it'),
  revision: z.number().int().min(1).describe('Grows by one per change; ignore a message not newer than the one held'),
  changedAt: z.iso.datetime({ offset: true }),
};

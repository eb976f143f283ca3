import { describe, expect, it } from 'vitest';
import { bulkLane, topics } from './topics.ts';

describe('topic names', () => {
  it('say ".bulk." for a bulk lane and only then: the outbox relay and its index tell the lanes apart by it', () => {
    const lanes = new Set(Object.values(bulkLane));
    expect(lanes.size).toBeGreaterThan(0);
    for (const topic of Object.values(topics)) expect(topic.includes('.bulk.'), topic).toBe(lanes.has(topic));
  });
});

import { ReferralClosedV1 } from '@vangnet/contracts/referrals';
import { CaseOpenedV1 } from '@vangnet/contracts/signals';
import { topics } from '@vangnet/contracts/topics';
import { describe, expect, it } from 'vitest';
import { on } from './consumer.ts';
import { handlersOnBulkLane } from './lanes.ts';

describe('handlers on the bulk lane', () => {
  it('reads the same event type on the lane of its topic, and leaves out topics without a lane', () => {
    const opened = on(CaseOpenedV1, async () => undefined);
    const lane = handlersOnBulkLane([opened, on(ReferralClosedV1, async () => undefined)]);
    expect(lane.map((handler) => [handler.definition.type, handler.definition.topic])).toEqual([
      [CaseOpenedV1.type, topics.signalsBulk],
    ]);
    expect(lane[0]?.handle).toBe(opened.handle);
    expect(CaseOpenedV1.topic).toBe(topics.signalsEvents);
  });
});

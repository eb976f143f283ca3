import { RoutingDecidedV1, RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { upcaster } from '@vangnet/messaging/consumer';

/**
 * RoutingDecided v1 was published before re-routing existed, so every v1
 * decision was the first routing of its item: attempt 1, no team excluded.
 * Kept for as long as a v1 decision may sit on the topic or in a dead-letter
 * topic waiting for a replay.
 */
export const routingDecidedV1ToV2 = upcaster(RoutingDecidedV1, RoutingDecidedV2, (decision) => ({
  ...decision,
  attempt: 1,
  excludedTeamIds: [],
}));

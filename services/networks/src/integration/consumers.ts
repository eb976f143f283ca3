import type { EventHandler } from '@vangnet/messaging/consumer';
import type { Transaction } from '../db.ts';
import {
  escalateToCoordinator,
  freeSlotOnClose,
  rerouteDeclined,
  rerouteExpired,
  routeTransfer,
} from '../features/reroute-item/consumer.ts';
import { routeCase, routeReferralRequest, routeSignal } from '../features/route-item/consumer.ts';

/**
 * The handlers of the router consumer group: what app.ts subscribes with,
 * and what the sample test feeds every stored event version to. One group
 * for first routings and re-routings alike: both change the same teams'
 * open assignments and the same routed items, under the same row locks.
 */
export const routerHandlers = (eventSource: string): EventHandler<Transaction>[] => [
  routeSignal(eventSource),
  routeCase(eventSource),
  routeReferralRequest(eventSource),
  rerouteDeclined(eventSource),
  rerouteExpired(eventSource),
  routeTransfer(eventSource),
  escalateToCoordinator(),
  freeSlotOnClose(),
];

/**
 * The router's consumer on the bulk lane (signals.bulk.v1): first routings
 * of file and batch items, decided on the decisions' bulk lane. Re-routings
 * stay with the main group (their events are on referrals.events.v1).
 */
export const bulkRouterHandlers = (eventSource: string): EventHandler<Transaction>[] => [
  routeSignal(eventSource, 'bulk'),
  routeCase(eventSource, 'bulk'),
];

import type { EventHandler } from '@vangnet/messaging/consumer';
import type { Transaction } from '../db.ts';
import { routeCase, routeReferralRequest, routeSignal } from '../features/route-item/consumer.ts';

/**
 * The handlers of the router consumer group: what app.ts subscribes with,
 * and what the sample test feeds every stored event version to.
 */
export const routerHandlers = (eventSource: string): EventHandler<Transaction>[] => [
  routeSignal(eventSource),
  routeCase(eventSource),
  routeReferralRequest(eventSource),
];

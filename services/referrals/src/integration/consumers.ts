import type { EventHandler } from '@vangnet/messaging/consumer';
import type { Transaction } from '../db.ts';
import { assignReferral } from '../features/assign-referral/consumer.ts';
import { addedSignalUrgency, caseUrgency, keepTeam, routingFailed } from '../features/read-models/consumer.ts';
import type { FanOutOptions } from '../features/webhooks/fan-out.ts';

/**
 * The handlers of the assignment consumer group: what app.ts subscribes
 * with, and what the sample test feeds every stored event version to. They
 * apply networks' routing events and write the webhook deliveries those
 * cause in the same transaction, so no group of its own reads them again
 * for webhooks.
 */
export const assignmentHandlers = (webhooks: FanOutOptions): EventHandler<Transaction>[] => [
  assignReferral(webhooks),
  routingFailed(webhooks),
];

/** Local read models of other services' state: teams (networks) and case urgency (signals). */
export const readModelHandlers: EventHandler<Transaction>[] = [keepTeam, caseUrgency, addedSignalUrgency];

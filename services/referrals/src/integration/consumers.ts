import type { EventHandler } from '@vangnet/messaging/consumer';
import type { Transaction } from '../db.ts';
import { assignReferral } from '../features/assign-referral/consumer.ts';
import { addedSignalUrgency, caseUrgency, keepTeam, routingFailed } from '../features/read-models/consumer.ts';

/**
 * The handlers of the assignment consumer group: what app.ts subscribes
 * with, and what the sample test feeds every stored event version to.
 */
export const assignmentHandlers: EventHandler<Transaction>[] = [assignReferral, routingFailed];

/** Local read models of other services' state: teams (networks) and case urgency (signals). */
export const readModelHandlers: EventHandler<Transaction>[] = [keepTeam, caseUrgency, addedSignalUrgency];

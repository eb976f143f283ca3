import type { EventHandler } from '@vangnet/messaging/consumer';
import type { Transaction } from '../db.ts';
import { assignReferral } from '../features/assign-referral/consumer.ts';

/**
 * The handlers of the assignment consumer group: what app.ts subscribes
 * with, and what the sample test feeds every stored event version to.
 */
export const assignmentHandlers: EventHandler<Transaction>[] = [assignReferral];

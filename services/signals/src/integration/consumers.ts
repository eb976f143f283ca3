import type { EventHandler } from '@vangnet/messaging/consumer';
import type { Transaction } from '../db.ts';
import { closeCaseOnReferralClosed } from '../features/close-case/consumer.ts';

export { caseAccessHandlers } from '../features/case-access/consumer.ts';

/** The handlers of the case-feedback consumer group: what app.ts subscribes with. */
export const caseFeedbackHandlers = (eventSource: string): EventHandler<Transaction>[] => [
  closeCaseOnReferralClosed(eventSource),
];

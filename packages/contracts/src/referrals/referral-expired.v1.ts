import { z } from 'zod';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * The team neither accepted nor declined by the deadline. It is treated as
 * a decline without a reason: networks re-routes the item, leaving this team
 * out, so nothing waits unseen in an inbox.
 */
export const ReferralExpiredV1 = defineEvent({
  domain: 'referrals',
  name: 'ReferralExpired',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A referral was not accepted by its deadline; networks re-routes the item.',
  schema: z.strictObject({
    ...referralRef,
    deadline: z.iso.date().describe('The accept-by date that passed, ISO date.'),
    expiredAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.referralId,
});

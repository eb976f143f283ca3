import { z } from 'zod';
import { DeclineReason } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * The team declined the referral. Networks re-routes the item to the next
 * team that fits, leaving out this team (and every team before it), or
 * hands it to the coordinator. The reason is a code, never free text: it
 * says what to avoid next, not anything about the person.
 */
export const ReferralDeclinedV1 = defineEvent({
  domain: 'referrals',
  name: 'ReferralDeclined',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A team declined a referral; networks re-routes the item.',
  schema: z.strictObject({
    ...referralRef,
    reason: DeclineReason,
    declinedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.referralId,
});

import { z } from 'zod';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * The team accepted the referral before its deadline. Signals marks the
 * case picked up; the referring GP hears that a coach took it on (the first
 * step of the closed loop); networks counts it against the team's capacity.
 */
export const ReferralAcceptedV1 = defineEvent({
  domain: 'referrals',
  name: 'ReferralAccepted',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A team accepted a referral.',
  schema: z.strictObject({
    ...referralRef,
    acceptedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.referralId,
});

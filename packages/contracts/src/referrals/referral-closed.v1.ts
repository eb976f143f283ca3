import { z } from 'zod';
import { ClosingResult } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * The team finished its work on the referral with a closing result from
 * the DDAS list. Signals closes the case with it (and decides what the
 * creditor may hear); the GP hears that the loop is closed; networks frees
 * the team's capacity.
 */
export const ReferralClosedV1 = defineEvent({
  domain: 'referrals',
  name: 'ReferralClosed',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A team closed a referral with a closing result.',
  schema: z.strictObject({
    ...referralRef,
    result: ClosingResult,
    closedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.referralId,
});

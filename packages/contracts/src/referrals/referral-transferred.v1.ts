import { z } from 'zod';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * The team (or the coordinator) handed the referral to another team
 * directly, without the router: the household moved, or another team knows
 * it. The old referral ends and a new one (`newReferralId`) starts with
 * `toTeamId`; its own events are keyed by the new id. Networks moves the
 * capacity, signals and the GP see who holds it now.
 */
export const ReferralTransferredV1 = defineEvent({
  domain: 'referrals',
  name: 'ReferralTransferred',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A referral was handed to another team; a new referral starts there.',
  schema: z.strictObject({
    ...referralRef,
    newReferralId: z.uuid(),
    toTeamId: z.uuid(),
    transferredBy: z.enum(['team', 'coordinator']),
    transferredAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.referralId,
});

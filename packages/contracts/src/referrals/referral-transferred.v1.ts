import { z } from 'zod';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * The team (or the coordinator) hands the referral to another team: the
 * household moved, or another team knows it. The old referral ends here.
 * The transfer goes back through the router: networks checks that
 * `toTeamId` is active and works in the item's municipality and publishes a
 * RoutingDecided for it carrying `referralId = newReferralId` (the new
 * referral's events are keyed by that id), or puts the item in the
 * coordinator queue when the team cannot take it.
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

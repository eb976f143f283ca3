import { z } from 'zod';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * Nobody has accepted the item by its escalation date (3 times the deadline
 * in working days, `escalatesOn` of the routing decision): the coordinator
 * of the municipality has to step in. Networks puts the item in the
 * coordinator queue; the referral itself stays where it is, so the team can
 * still accept it while the coordinator calls around.
 */
export const ReferralEscalatedV1 = defineEvent({
  domain: 'referrals',
  name: 'ReferralEscalated',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A referral is still not accepted at its escalation date; the coordinator steps in.',
  schema: z.strictObject({
    ...referralRef,
    deadline: z.iso.date().describe('The accept-by date of this referral, ISO date.'),
    escalatesOn: z.iso.date().describe('The escalation date that passed, ISO date.'),
    escalatedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.referralId,
});

import { z } from 'zod';
import { ContactChannel, PartOfDay } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { referralRef } from './referral-ref.ts';

/**
 * A team tried to reach the person or household, as the DDAS monitor
 * records it: channel, date, part of day and whether they were reached.
 * Signals uses it for the case status (and `no_contact_final` decisions),
 * the GP loop for "first contact made". What was said stays in referrals.
 */
export const ContactAttemptedV1 = defineEvent({
  domain: 'referrals',
  name: 'ContactAttempted',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A team recorded an attempt to reach the person: channel, date, part of day, reached.',
  schema: z.strictObject({
    ...referralRef,
    contactAttemptId: z.uuid().describe('Identifies the attempt, so a corrected record can refer to it.'),
    channel: ContactChannel,
    date: z.iso.date().describe('The day of the attempt (ISO date), as the team recorded it.'),
    partOfDay: PartOfDay,
    reached: z.boolean(),
    recordedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.referralId,
});

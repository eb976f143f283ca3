import { type Term, termBefore } from '@vangnet/platform/term';
/**
 * Retention of the personal data referrals holds: a GP request (the
 * patient's details, the GP's note, the referrer's contact details) and a
 * team's closing notes. shared/DOMAIN.md sets no statutory figure, so the
 * terms are configuration; the defaults match signals' (18 months after the
 * work ended, 6 months for what never reached anyone). Pure: the job hands
 * in the clock and stores what comes back.
 */

/** Each term in months in production; in minutes, hours or days on a staging system (see README). */
export interface RetentionTerms {
  /** A GP request some team accepted, from the end of its last referral. */
  ended: Term;
  /** A GP request no team ever accepted (never routed, declined or expired everywhere, or with the coordinator), from its last activity. */
  neverTaken: Term;
}

export const defaultRetentionTerms: RetentionTerms = {
  ended: { amount: 18, unit: 'months' },
  neverTaken: { amount: 6, unit: 'months' },
};

/** `request_ended` and `request_never_taken` delete a GP request; `closing_notes` clears a referral's notes. */
export type RetentionTerm = 'request_ended' | 'request_never_taken' | 'closing_notes';

/**
 * For each term, the moment before which its records are due; a record
 * exactly at the cutoff is kept (its term ends at this instant). Closing
 * notes follow the referral's end, like an accepted request.
 */
export function retentionCutoffs(now: Date, terms: RetentionTerms): Record<RetentionTerm, Date> {
  return {
    request_ended: termBefore(now, terms.ended),
    request_never_taken: termBefore(now, terms.neverTaken),
    closing_notes: termBefore(now, terms.ended),
  };
}

export const termOf = (term: RetentionTerm, terms: RetentionTerms): Term =>
  term === 'request_never_taken' ? terms.neverTaken : terms.ended;

/** Which optional personal data a GP request row held (categories for the audit, never values). */
export interface RequestContents {
  hasPhone: boolean;
  hasEmail: boolean;
  hasConcernNote: boolean;
  hasReferrerEmail: boolean;
}

export function requestCategories(contents: RequestContents): string[] {
  return [
    'name',
    'date_of_birth',
    ...(contents.hasPhone ? ['phone'] : []),
    ...(contents.hasEmail ? ['email'] : []),
    'address',
    // Health data: concern codes with the ICPC code always, the GP's own words when given.
    'health_concern',
    ...(contents.hasConcernNote ? ['gp_note'] : []),
    'consent',
    // The professional's contact details are personal data too.
    'referrer_name',
    'referrer_phone',
    ...(contents.hasReferrerEmail ? ['referrer_email'] : []),
  ];
}

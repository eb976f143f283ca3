import { type Term, termBefore } from '@vangnet/platform/term';
/**
 * Retention of personal data (shared/DOMAIN.md: no statutory figure, so the
 * terms are configuration; the defaults follow a municipal example). Pure:
 * the job hands in the clock and stores what comes back.
 */

/** Each term in months in production; in minutes, hours or days on a staging system (see README). */
export interface RetentionTerms {
  /** A signal that never joined a case (closed at intake as repeat or unjustified), from its receipt. */
  unmatched: Term;
  /** A case still open, from its last signal: picked up, but nothing new for this long. */
  openCase: Term;
  /** A closed case and its signals, from the closure. */
  closedCase: Term;
}

const months = (amount: number): Term => ({ amount, unit: 'months' });

export const defaultRetentionTerms: RetentionTerms = {
  unmatched: months(6),
  openCase: months(12),
  closedCase: months(18),
};

export type RetentionTerm = 'unmatched_signal' | 'open_case_inactive' | 'closed_case';

/**
 * For each term, the moment before which its records are due: a record
 * whose term started before the cutoff has been kept for the full term.
 * A record exactly at the cutoff is kept (its term ends at this instant).
 */
export function retentionCutoffs(now: Date, terms: RetentionTerms): Record<RetentionTerm, Date> {
  return {
    unmatched_signal: termBefore(now, terms.unmatched),
    open_case_inactive: termBefore(now, terms.openCase),
    closed_case: termBefore(now, terms.closedCase),
  };
}

export const termOf = (term: RetentionTerm, terms: RetentionTerms): Term =>
  ({
    unmatched_signal: terms.unmatched,
    open_case_inactive: terms.openCase,
    closed_case: terms.closedCase,
  })[term];

/** Which personal data a signal row held, as the audit names it (categories, never values). */
export interface SignalContents {
  hasName: boolean;
  hasDateOfBirth: boolean;
  hasPhone: boolean;
  hasEmail: boolean;
  hasArrears: boolean;
  hasPreconditions: boolean;
  crisis: boolean;
  hasAbsence: boolean;
}

export function signalCategories(contents: SignalContents): string[] {
  return [
    ...(contents.hasName ? ['name'] : []),
    ...(contents.hasDateOfBirth ? ['date_of_birth'] : []),
    ...(contents.hasPhone ? ['phone'] : []),
    ...(contents.hasEmail ? ['email'] : []),
    // Every signal carries an address and the partner's reference (which the partner links to a person).
    'address',
    'partner_reference',
    ...(contents.hasArrears ? ['arrears'] : []),
    ...(contents.hasPreconditions ? ['landlord_preconditions'] : []),
    ...(contents.crisis ? ['crisis'] : []),
    ...(contents.hasAbsence ? ['school_absence'] : []),
  ];
}

/** What a household case row holds of a person: its address. */
export const caseCategories = ['address'];

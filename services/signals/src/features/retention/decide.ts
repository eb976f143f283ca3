import { monthsBefore } from '@vangnet/platform/months';
/**
 * Retention of personal data (shared/DOMAIN.md: no statutory figure, so the
 * terms are configuration; the defaults follow a municipal example). Pure:
 * the job hands in the clock and stores what comes back.
 */

export interface RetentionTerms {
  /** A signal that never joined a case (closed at intake as repeat or unjustified), from its receipt. */
  unmatchedMonths: number;
  /** A case still open, from its last signal: picked up, but nothing new for this long. */
  openCaseMonths: number;
  /** A closed case and its signals, from the closure. */
  closedCaseMonths: number;
}

export const defaultRetentionTerms: RetentionTerms = { unmatchedMonths: 6, openCaseMonths: 12, closedCaseMonths: 18 };

export type RetentionTerm = 'unmatched_signal' | 'open_case_inactive' | 'closed_case';

/**
 * For each term, the moment before which its records are due: a record
 * whose term started before the cutoff has been kept for the full term.
 * A record exactly at the cutoff is kept (its term ends at this instant).
 */
export function retentionCutoffs(now: Date, terms: RetentionTerms): Record<RetentionTerm, Date> {
  return {
    unmatched_signal: monthsBefore(now, terms.unmatchedMonths),
    open_case_inactive: monthsBefore(now, terms.openCaseMonths),
    closed_case: monthsBefore(now, terms.closedCaseMonths),
  };
}

export const termMonths = (term: RetentionTerm, terms: RetentionTerms) =>
  ({
    unmatched_signal: terms.unmatchedMonths,
    open_case_inactive: terms.openCaseMonths,
    closed_case: terms.closedCaseMonths,
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

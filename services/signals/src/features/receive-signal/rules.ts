import type { ClosingResult } from '@vangnet/contracts/codes';
import { resultsSharedWithCreditors, resultsShownAsPickedUp } from '@vangnet/contracts/codes';
import type { RentPreconditions, SignalRequestType, SignalStatus } from '@vangnet/contracts/http/signals';
import type { InvalidField } from '@vangnet/platform/problem';

/**
 * The intake rules of early signalling (shared/DOMAIN.md, the national
 * convenant), each a pure function over plain values so its boundaries are
 * unit-tested without a database. Dates are ISO `YYYY-MM-DD` strings.
 */

export const DEBT_TYPES: readonly SignalRequestType[] = ['rent', 'energy', 'water', 'health_insurance', 'cak'];
export const isDebtType = (type: SignalRequestType) => DEBT_TYPES.includes(type);

const field = (pointer: string, code: string, detail: string): InvalidField => ({ in: 'body', pointer, code, detail });

const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) =>
  Math.round((toDate(to).getTime() - toDate(from).getTime()) / 86_400_000);

/** `iso` plus whole calendar months, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * Rent preconditions (a)–(d). A tenant's objection is reported on its own
 * (the caller refuses with a separate code): it blocks even when (a)–(d)
 * hold. `tenantReached: false` is deliberately not checked: a tenant who
 * cannot be reached must not be able to block the signal by hiding.
 */
export function rentPreconditionFailures(p: RentPreconditions, today: string): InvalidField[] {
  const failures: InvalidField[] = [];
  if (!p.contactAttempted) {
    failures.push(
      field('/preconditions/contactAttempted', 'precondition_not_met', 'personal contact must have been tried'),
    );
  }
  if (!p.pointedToDebtHelp) {
    failures.push(
      field(
        '/preconditions/pointedToDebtHelp',
        'precondition_not_met',
        'the tenant must have been pointed to debt help',
      ),
    );
  }
  if (p.reminderSentOn === null) {
    failures.push(
      field(
        '/preconditions/reminderSentOn',
        'precondition_not_met',
        'at least one written reminder must have been sent',
      ),
    );
  } else if (p.reminderSentOn > today) {
    failures.push(field('/preconditions/reminderSentOn', 'in_future', `must be ${today} or earlier`));
  }
  if (!p.consentOfferMade) {
    failures.push(
      field(
        '/preconditions/consentOfferMade',
        'precondition_not_met',
        'the reminder must have offered to share the details with the municipality',
      ),
    );
  }
  return failures;
}

/**
 * The convenant windows, counted in days of arrears on `today`: rent, energy
 * and water from 30 days; health insurance from 30 to 100 days; CAK after six
 * months. A crisis signal (disconnection or eviction announced) is always in.
 * Returns the failure, or null when the signal is inside its window.
 */
export function convenantWindowFailure(
  type: SignalRequestType,
  arrearsSince: string,
  today: string,
  crisis: boolean,
): InvalidField | null {
  if (crisis || !isDebtType(type)) return null;
  const days = daysBetween(arrearsSince, today);
  const outside = (detail: string) => field('/arrears/since', 'outside_convenant_window', detail);
  switch (type) {
    case 'rent':
    case 'energy':
    case 'water':
      return days >= 30 ? null : outside(`${type} arrears may be signalled from 30 days; these are ${days} days old`);
    case 'health_insurance':
      return days >= 30 && days <= 100
        ? null
        : outside(`health-insurance arrears may be signalled from 30 to 100 days; these are ${days} days old`);
    case 'cak':
      return addMonths(arrearsSince, 6) <= today ? null : outside('CAK arrears may be signalled after six months');
    default:
      return null;
  }
}

/** Under the municipality's threshold (not at it): closed as `unjustified`, never sent to a team. */
export const isUnderThreshold = (arrearsCents: number, thresholdCents: number) => arrearsCents < thresholdCents;

/**
 * The repeat rule: a new signal from the same creditor for the same household
 * whose arrears are not higher than its last one is a `repeat`. When the
 * arrears rose, the situation got worse and the signal is picked up again.
 */
export const isRepeat = (arrearsCents: number, previous: { arrearsCents: number | null } | null) =>
  previous?.arrearsCents != null && arrearsCents <= previous.arrearsCents;

/**
 * One household, one key: the address as the post delivers it. Postcode
 * without spaces in upper case, the house number, and the addition reduced to
 * lower-case letters and digits, so `12-B`, `12 b` and `12b` are one door.
 */
export function householdKey(address: { postcode: string; houseNumber: number; houseNumberAddition?: string | null }) {
  const postcode = address.postcode.replace(/\s+/g, '').toUpperCase();
  const addition = (address.houseNumberAddition ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return `${postcode}|${address.houseNumber}|${addition}`;
}

/** Letters only, without accents or case (`Dë  Vries` is `devries`): how two partners' records of one name differ. */
const lettersOnly = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/**
 * The same person where the partners know enough to tell: the first given
 * name, the family name and the date of birth, all three given. Family name
 * and birth date alone merge adult twins, or two Jansens born on one day,
 * and the team of one would see the other's details. Names are reduced to
 * their letters; of the given names only the first counts (one partner
 * records `Anna Maria`, another `Anna`). Without all three, no key: an
 * address or a name alone must not merge two people. The migration
 * `20261129050000_person_key_given_name` recomputes stored keys the same way.
 */
export function personKey(
  subject: { givenName?: string | null; familyName?: string | null; dateOfBirth?: string | null } | undefined,
) {
  if (!subject?.givenName || !subject.familyName || !subject.dateOfBirth) return null;
  const family = lettersOnly(subject.familyName);
  const given = lettersOnly(subject.givenName.trim().split(/\s+/)[0] ?? '');
  return family && given ? `${subject.dateOfBirth}|${family}|${given}` : null;
}

/** The earliest moment a case's last signal may lie in for a new signal to join it. */
export const matchingCutoff = (now: Date, months: number) =>
  new Date(`${addMonths(now.toISOString().slice(0, 10), -months)}T${now.toISOString().slice(11)}`);

/**
 * What the partner may learn (purpose limitation, shared/DOMAIN.md): the
 * specific result for the four shared results, "picked up" where the
 * household was helped or is in a trajectory, "not picked up" for the rest
 * (never why), and "in progress" while the signal is open. Every partner kind
 * gets this one mapping, schools included.
 */
export function feedbackStatus(closingResult: ClosingResult | null): SignalStatus {
  if (closingResult === null) return 'in_progress';
  if (resultsSharedWithCreditors.includes(closingResult)) return closingResult as SignalStatus;
  return resultsShownAsPickedUp.includes(closingResult) ? 'picked_up' : 'not_picked_up';
}

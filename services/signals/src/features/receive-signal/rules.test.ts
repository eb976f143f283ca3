import { closingResults, resultsSharedWithCreditors } from '@vangnet/contracts/codes';
import { type RentPreconditions, SignalStatus } from '@vangnet/contracts/http/signals';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  convenantWindowFailure,
  feedbackStatus,
  householdKey,
  isRepeat,
  isUnderThreshold,
  matchingCutoff,
  personKey,
  rentPreconditionFailures,
} from './rules.ts';

const today = '2026-11-23';
/** The arrears start `days` days before today. */
const daysAgo = (days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

describe('rent preconditions (a)-(d)', () => {
  const met: RentPreconditions = {
    contactAttempted: true,
    pointedToDebtHelp: true,
    reminderSentOn: '2026-10-01',
    consentOfferMade: true,
    tenantObjected: false,
  };

  it('when all four are met, then nothing fails', () => {
    expect(rentPreconditionFailures(met, today)).toEqual([]);
  });

  it('when the tenant could not be reached, then the signal still passes: hiding must not block help', () => {
    expect(rentPreconditionFailures({ ...met, tenantReached: false }, today)).toEqual([]);
  });

  it.each([
    ['contactAttempted', { contactAttempted: false }],
    ['pointedToDebtHelp', { pointedToDebtHelp: false }],
    ['reminderSentOn', { reminderSentOn: null }],
    ['consentOfferMade', { consentOfferMade: false }],
  ] as const)('when %s is missing, then exactly that precondition is named', (name, change) => {
    expect(rentPreconditionFailures({ ...met, ...change }, today)).toEqual([
      expect.objectContaining({ pointer: `/preconditions/${name}`, code: 'precondition_not_met' }),
    ]);
  });

  it('when none is met, then all four are named at once', () => {
    const failures = rentPreconditionFailures(
      {
        contactAttempted: false,
        pointedToDebtHelp: false,
        reminderSentOn: null,
        consentOfferMade: false,
        tenantObjected: false,
      },
      today,
    );
    expect(failures).toHaveLength(4);
  });

  it('when the reminder is dated today, then it counts; tomorrow is refused as in the future', () => {
    expect(rentPreconditionFailures({ ...met, reminderSentOn: today }, today)).toEqual([]);
    expect(rentPreconditionFailures({ ...met, reminderSentOn: '2026-11-24' }, today)).toEqual([
      expect.objectContaining({ pointer: '/preconditions/reminderSentOn', code: 'in_future' }),
    ]);
  });
});

describe('convenant windows', () => {
  it.each(['rent', 'energy', 'water'] as const)('%s: 29 days is too early, 30 days is in, 3 years is in', (type) => {
    expect(convenantWindowFailure(type, daysAgo(29), today, false)).toMatchObject({
      pointer: '/arrears/since',
      code: 'outside_convenant_window',
    });
    expect(convenantWindowFailure(type, daysAgo(30), today, false)).toBeNull();
    expect(convenantWindowFailure(type, daysAgo(1000), today, false)).toBeNull();
  });

  it('health insurance: 29 days out, 30 and 100 days in, 101 days out', () => {
    expect(convenantWindowFailure('health_insurance', daysAgo(29), today, false)).not.toBeNull();
    expect(convenantWindowFailure('health_insurance', daysAgo(30), today, false)).toBeNull();
    expect(convenantWindowFailure('health_insurance', daysAgo(100), today, false)).toBeNull();
    expect(convenantWindowFailure('health_insurance', daysAgo(101), today, false)).not.toBeNull();
  });

  it('CAK: from six calendar months, not a day before', () => {
    expect(convenantWindowFailure('cak', '2026-05-23', today, false)).toBeNull();
    expect(convenantWindowFailure('cak', '2026-05-24', today, false)).not.toBeNull();
  });

  it('a crisis (announced disconnection) is always in, even a day old', () => {
    expect(convenantWindowFailure('energy', daysAgo(1), today, true)).toBeNull();
    expect(convenantWindowFailure('water', daysAgo(0), today, true)).toBeNull();
  });

  it('school signals have no arrears window', () => {
    expect(convenantWindowFailure('school_absence', daysAgo(1), today, false)).toBeNull();
  });
});

describe('months on the calendar', () => {
  it.each([
    ['2026-05-23', 6, '2026-11-23'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2026-11-30', -3, '2026-08-30'],
    ['2026-05-31', -3, '2026-02-28'],
  ])('%s plus %i months is %s', (from, months, expected) => {
    expect(addMonths(from, months)).toBe(expected);
  });

  it('the matching period of 3 months reaches back to the same time of day', () => {
    expect(matchingCutoff(new Date('2026-11-23T10:00:00.000Z'), 3).toISOString()).toBe('2026-08-23T10:00:00.000Z');
  });
});

describe('threshold', () => {
  it('under 75 euro is under; exactly 75 euro is not', () => {
    expect(isUnderThreshold(7499, 7500)).toBe(true);
    expect(isUnderThreshold(7500, 7500)).toBe(false);
  });
});

describe('repeat rule', () => {
  it('arrears equal to or lower than the last signal are a repeat; a cent more is not', () => {
    expect(isRepeat(50_000, { arrearsCents: 50_000 })).toBe(true);
    expect(isRepeat(49_999, { arrearsCents: 50_000 })).toBe(true);
    expect(isRepeat(50_001, { arrearsCents: 50_000 })).toBe(false);
  });

  it('without an earlier signal nothing is a repeat', () => {
    expect(isRepeat(50_000, null)).toBe(false);
  });
});

describe('household key', () => {
  it('the same door written three ways is one household', () => {
    const keys = new Set([
      householdKey({ postcode: '9901 ab', houseNumber: 12, houseNumberAddition: 'B' }),
      householdKey({ postcode: '9901AB', houseNumber: 12, houseNumberAddition: '-b' }),
      householdKey({ postcode: '9901AB', houseNumber: 12, houseNumberAddition: ' b ' }),
    ]);
    expect(keys.size).toBe(1);
  });

  it('another addition or none is another household', () => {
    const a = householdKey({ postcode: '9901AB', houseNumber: 12, houseNumberAddition: 'A' });
    const b = householdKey({ postcode: '9901AB', houseNumber: 12 });
    expect(a).not.toBe(b);
  });
});

describe('purpose-limited feedback', () => {
  it.each(['repeat', 'unjustified', 'deceased', 'not_resident'] as const)('%s is told as such', (result) => {
    expect(feedbackStatus(result)).toBe(result);
  });

  it.each(['other_reason', 'no_contact_final'] as const)('%s is told only as not picked up', (result) => {
    expect(feedbackStatus(result)).toBe('not_picked_up');
  });

  it.each([
    'quick_fix',
    'follow_up_financial',
    'follow_up_non_financial',
    'known_to_debt_help',
    'other_trajectory',
    'referred_without_contact',
  ] as const)('%s (helped, or in a trajectory) is told only as picked up', (result) => {
    expect(feedbackStatus(result)).toBe('picked_up');
  });

  it('every closing result maps to a status the partner may see, never to the result itself unless shared', () => {
    for (const result of closingResults) {
      const status = feedbackStatus(result);
      expect(SignalStatus.options).toContain(status);
      if (status === result) expect(resultsSharedWithCreditors).toContain(result);
    }
  });

  it('an open signal is in progress', () => {
    expect(feedbackStatus(null)).toBe('in_progress');
  });
});

describe('the same person', () => {
  const anna = { givenName: 'Anna', familyName: 'de Vries', dateOfBirth: '1980-04-02' };

  it('when first given name, family name and birth date are all known, then case, accents and spacing do not matter', () => {
    expect(personKey(anna)).toBe('1980-04-02|devries|anna');
    expect(personKey({ givenName: ' ánna ', familyName: 'Dë  Vries', dateOfBirth: '1980-04-02' })).toBe(
      '1980-04-02|devries|anna',
    );
  });

  it('only the first given name counts', () => {
    expect(personKey({ ...anna, givenName: 'Anna Maria' })).toBe(personKey(anna));
    expect(personKey({ ...anna, givenName: 'Anna-Maria' })).not.toBe(personKey(anna));
  });

  it('when twins share family name and birth date, then their keys differ', () => {
    expect(personKey({ ...anna, givenName: 'Eva' })).not.toBe(personKey(anna));
  });

  it('when any of the three is missing, then there is no key: an address or a name alone never merges people', () => {
    expect(personKey({ familyName: 'de Vries', dateOfBirth: '1980-04-02' })).toBeNull();
    expect(personKey({ givenName: 'Anna', familyName: 'de Vries' })).toBeNull();
    expect(personKey({ givenName: 'Anna', dateOfBirth: '1980-04-02' })).toBeNull();
    expect(personKey({ ...anna, familyName: '--' })).toBeNull();
    expect(personKey({ ...anna, givenName: '.' })).toBeNull();
    expect(personKey(undefined)).toBeNull();
  });
});

import type { SignalRequest } from '@vangnet/contracts/http/signals';
import { DomainError } from '@vangnet/platform/problem';
import { describe, expect, it } from 'vitest';
import { amountBand, decideReceiveSignal, type HouseholdState, type Partner } from './decide.ts';

const now = new Date('2026-11-23T10:00:00Z');
const landlord: Partner = { id: 'woonstichting-de-haven', kind: 'landlord' };
const energy: Partner = { id: 'energie-noord', kind: 'energy' };
const school: Partner = { id: 'het-college', kind: 'school' };
const settings = { thresholdCents: 7500 };
const freshHousehold: HouseholdState = { previousFromPartner: null, openCaseId: null };

const preconditions = {
  contactAttempted: true,
  tenantReached: false,
  pointedToDebtHelp: true,
  reminderSentOn: '2026-10-01',
  consentOfferMade: true,
  tenantObjected: false,
};

const rent = (overrides: Partial<SignalRequest> = {}): SignalRequest => ({
  type: 'rent',
  reference: 'HUUR-2026-0001',
  subject: { givenName: 'Anna', familyName: 'de Vries', dateOfBirth: '1980-04-02', phone: '+31612345678' },
  address: { postcode: '9901AB', houseNumber: 12, houseNumberAddition: 'b' },
  arrears: { amount: 612.5, since: '2026-09-01' },
  preconditions,
  ...overrides,
});

const decide = (request: SignalRequest, partner = landlord, household = freshHousehold) =>
  decideReceiveSignal({ partner, request, signalId: 'sig-1', newCaseId: 'case-new', household, settings, now });

const rejection = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
};

describe('receiving a signal', () => {
  it('when a landlord sends a complete rent signal for a new household, then it opens a case and keeps the subject', () => {
    const { signal, caseChange } = decide(rent());
    expect(caseChange).toEqual({ kind: 'opened', caseId: 'case-new' });
    expect(signal).toMatchObject({
      id: 'sig-1',
      status: 'open',
      closingResult: null,
      feedbackStatus: 'in_progress',
      caseId: 'case-new',
      householdKey: '9901AB|12|b',
      arrearsCents: 61250,
      subjectFamilyName: 'de Vries',
      crisis: false,
    });
  });

  it('when the household has an open case, then the signal joins it', () => {
    const { signal, caseChange } = decide(rent(), landlord, { previousFromPartner: null, openCaseId: 'case-1' });
    expect(caseChange).toEqual({ kind: 'added', caseId: 'case-1' });
    expect(signal.caseId).toBe('case-1');
  });

  it('when a landlord sends an energy signal, then it is refused: each partner sends its own creditor type', () => {
    expect(rejection(() => decide(rent({ type: 'energy' }))).code).toBe('SIGNAL_TYPE_NOT_ALLOWED');
  });

  it('when the arrears start tomorrow, then the signal is refused naming the field', () => {
    const error = rejection(() => decide(rent({ arrears: { amount: 100, since: '2026-11-24' } })));
    expect(error.code).toBe('SIGNAL_INVALID');
    expect(error.errors).toEqual([expect.objectContaining({ pointer: '/arrears/since', code: 'in_future' })]);
  });

  it('when a rent signal lacks arrears and preconditions, then both are named', () => {
    const { arrears: _a, preconditions: _p, ...bare } = rent();
    const error = rejection(() => decide(bare as SignalRequest));
    expect(error.code).toBe('SIGNAL_INVALID');
    expect(error.errors?.map((entry) => entry.pointer)).toEqual(['/arrears', '/preconditions']);
  });

  it('when the tenant objected, then the signal is refused with its own code even though (a)-(d) hold', () => {
    const error = rejection(() => decide(rent({ preconditions: { ...preconditions, tenantObjected: true } })));
    expect(error.code).toBe('SIGNAL_TENANT_OBJECTED');
    expect(error.errors).toEqual([expect.objectContaining({ pointer: '/preconditions/tenantObjected' })]);
  });

  it('when no reminder was sent, then SIGNAL_PRECONDITIONS_NOT_MET names the reminder', () => {
    const error = rejection(() => decide(rent({ preconditions: { ...preconditions, reminderSentOn: null } })));
    expect(error.code).toBe('SIGNAL_PRECONDITIONS_NOT_MET');
    expect(error.errors?.map((entry) => entry.pointer)).toEqual(['/preconditions/reminderSentOn']);
  });

  it('when rent arrears are 29 days old, then SIGNAL_OUTSIDE_CONVENANT_WINDOW', () => {
    const error = rejection(() => decide(rent({ arrears: { amount: 500, since: '2026-10-25' } })));
    expect(error.code).toBe('SIGNAL_OUTSIDE_CONVENANT_WINDOW');
    expect(error.errors).toEqual([expect.objectContaining({ pointer: '/arrears/since' })]);
  });

  it('when an energy supplier announces a disconnection on two-day-old arrears of 20 euro, then it is a crisis case', () => {
    const { signal, caseChange } = decide(
      {
        type: 'energy',
        reference: 'E-1',
        address: { postcode: '9901AB', houseNumber: 3 },
        arrears: { amount: 20, since: '2026-11-21' },
        crisis: { kind: 'disconnection', plannedOn: '2026-12-01' },
      },
      energy,
      { previousFromPartner: { arrearsCents: 5000 }, openCaseId: null },
    );
    expect(caseChange?.kind).toBe('opened');
    expect(signal).toMatchObject({ crisis: true, crisisKind: 'disconnection', status: 'open' });
  });

  it('when an energy signal claims an eviction, then the crisis kind is refused', () => {
    const error = rejection(() =>
      decide(
        {
          type: 'energy',
          reference: 'E-2',
          address: { postcode: '9901AB', houseNumber: 3 },
          arrears: { amount: 200, since: '2026-09-01' },
          crisis: { kind: 'eviction' },
        },
        energy,
      ),
    );
    expect(error.errors).toEqual([expect.objectContaining({ pointer: '/crisis/kind', code: 'not_allowed' })]);
  });
});

describe('threshold and repeat', () => {
  it('when the arrears are 74.99 euro, then the signal is stored closed as unjustified and reaches no case', () => {
    const { signal, caseChange } = decide(rent({ arrears: { amount: 74.99, since: '2026-09-01' } }));
    expect(caseChange).toBeNull();
    expect(signal).toMatchObject({
      status: 'closed',
      closingResult: 'unjustified',
      feedbackStatus: 'unjustified',
      caseId: null,
    });
  });

  it('when the arrears are exactly 75 euro, then the signal is picked up', () => {
    expect(decide(rent({ arrears: { amount: 75, since: '2026-09-01' } })).caseChange?.kind).toBe('opened');
  });

  it('when the arrears did not rise since the last signal, then it is a repeat, closed and not sent', () => {
    const { signal, caseChange } = decide(rent(), landlord, {
      previousFromPartner: { arrearsCents: 61250 },
      openCaseId: 'case-1',
    });
    expect(caseChange).toBeNull();
    expect(signal).toMatchObject({ closingResult: 'repeat', feedbackStatus: 'repeat', caseId: null });
  });

  it('when the arrears rose by a cent, then it is picked up again and joins the open case', () => {
    const { caseChange } = decide(rent({ arrears: { amount: 612.51, since: '2026-09-01' } }), landlord, {
      previousFromPartner: { arrearsCents: 61250 },
      openCaseId: 'case-1',
    });
    expect(caseChange).toEqual({ kind: 'added', caseId: 'case-1' });
  });
});

describe('school signals', () => {
  const absence = (overrides: Partial<SignalRequest> = {}): SignalRequest => ({
    type: 'school_absence',
    reference: 'VERZUIM-1',
    subject: { givenName: 'Sem', dateOfBirth: '2011-03-04' },
    address: { postcode: '9901AB', houseNumber: 5 },
    absence: { hours: 16, from: '2026-10-19', to: '2026-11-13' },
    ...overrides,
  });

  it('when a school reports 16 hours of absence, then it opens a case without arrears', () => {
    const { signal, caseChange } = decide(absence(), school);
    expect(caseChange?.kind).toBe('opened');
    expect(signal).toMatchObject({ absenceHours: 16, arrearsCents: null });
  });

  it('when a school adds arrears or an absence ending after it started, then both are named', () => {
    const error = rejection(() =>
      decide(
        absence({
          arrears: { amount: 10, since: '2026-01-01' },
          absence: { hours: 3, from: '2026-11-13', to: '2026-11-01' },
        }),
        school,
      ),
    );
    expect(error.errors?.map((entry) => entry.pointer)).toEqual(['/arrears', '/absence/from']);
  });

  it('when a landlord sends a school signal, then it is refused', () => {
    expect(rejection(() => decide(absence())).code).toBe('SIGNAL_TYPE_NOT_ALLOWED');
  });
});

describe('amount bands in events', () => {
  it.each([
    [1, 'under_500'],
    [49_999, 'under_500'],
    [50_000, '500_to_2000'],
    [199_999, '500_to_2000'],
    [200_000, '2000_to_5000'],
    [499_999, '2000_to_5000'],
    [500_000, 'over_5000'],
  ])('%i cents falls in band %s', (cents, band) => {
    expect(amountBand(cents)).toBe(band);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultRetentionTerms, retentionCutoffs, signalCategories } from './decide.ts';

describe('retention terms', () => {
  it('defaults to 6 months unmatched, 12 open, 18 after closure', () => {
    expect(defaultRetentionTerms).toEqual({
      unmatched: { amount: 6, unit: 'months' },
      openCase: { amount: 12, unit: 'months' },
      closedCase: { amount: 18, unit: 'months' },
    });
  });

  it('cuts off whole calendar months back, keeping the time of day', () => {
    const cutoffs = retentionCutoffs(new Date('2027-05-29T03:00:00Z'), defaultRetentionTerms);
    expect(cutoffs).toEqual({
      unmatched_signal: new Date('2026-11-29T03:00:00Z'),
      open_case_inactive: new Date('2026-05-29T03:00:00Z'),
      closed_case: new Date('2025-11-29T03:00:00Z'),
    });
  });
});

describe('short terms for staging', () => {
  it('cuts off minutes and hours back by the clock', () => {
    const now = new Date('2027-05-29T03:00:00Z');
    const cutoffs = retentionCutoffs(now, {
      unmatched: { amount: 5, unit: 'minutes' },
      openCase: { amount: 2, unit: 'hours' },
      closedCase: { amount: 18, unit: 'months' },
    });
    expect(cutoffs.unmatched_signal).toEqual(new Date('2027-05-29T02:55:00Z'));
    expect(cutoffs.open_case_inactive).toEqual(new Date('2027-05-29T01:00:00Z'));
  });
});

describe('what the audit names', () => {
  const nothing = {
    hasName: false,
    hasDateOfBirth: false,
    hasPhone: false,
    hasEmail: false,
    hasArrears: false,
    hasPreconditions: false,
    crisis: false,
    hasAbsence: false,
  };

  it('a bare signal still held an address and the partner reference', () => {
    expect(signalCategories(nothing)).toEqual(['address', 'partner_reference']);
  });

  it('a full rent signal names every category it held', () => {
    expect(
      signalCategories({ ...nothing, hasName: true, hasPhone: true, hasArrears: true, hasPreconditions: true }),
    ).toEqual(['name', 'phone', 'address', 'partner_reference', 'arrears', 'landlord_preconditions']);
  });
});

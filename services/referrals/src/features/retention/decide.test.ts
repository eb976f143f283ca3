import { describe, expect, it } from 'vitest';
import { defaultRetentionTerms, requestCategories, retentionCutoffs, termOf } from './decide.ts';

describe('retention terms of GP requests and closing notes', () => {
  it('gives 18 months after the end to accepted work and its notes, 6 months to a request nobody took', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(retentionCutoffs(now, defaultRetentionTerms)).toEqual({
      request_ended: new Date('2025-06-02T10:00:00Z'),
      request_never_taken: new Date('2026-06-02T10:00:00Z'),
      closing_notes: new Date('2025-06-02T10:00:00Z'),
    });
    expect(termOf('request_never_taken', defaultRetentionTerms)).toEqual({ amount: 6, unit: 'months' });
    const staging = { ended: { amount: 2, unit: 'hours' }, neverTaken: { amount: 10, unit: 'minutes' } } as const;
    expect(termOf('closing_notes', staging)).toEqual({ amount: 2, unit: 'hours' });
    expect(retentionCutoffs(now, staging).request_never_taken).toEqual(new Date('2026-12-02T09:50:00Z'));
  });

  it('names the categories a deleted request held, never a value', () => {
    expect(
      requestCategories({ hasPhone: true, hasEmail: false, hasConcernNote: true, hasReferrerEmail: false }),
    ).toEqual([
      'name',
      'date_of_birth',
      'phone',
      'address',
      'health_concern',
      'gp_note',
      'consent',
      'referrer_name',
      'referrer_phone',
    ]);
  });
});

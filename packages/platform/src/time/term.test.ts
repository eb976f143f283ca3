import { describe, expect, it } from 'vitest';
import { describeTerm, parseTerm, termBefore, termMonths, termSetting } from './term.ts';

describe('retention terms', () => {
  it.each([
    ['6', { amount: 6, unit: 'months' }],
    ['18 months', { amount: 18, unit: 'months' }],
    ['1 month', { amount: 1, unit: 'months' }],
    ['30 minutes', { amount: 30, unit: 'minutes' }],
    ['5min', { amount: 5, unit: 'minutes' }],
    ['2 hours', { amount: 2, unit: 'hours' }],
    ['14 days', { amount: 14, unit: 'days' }],
  ])('reads %s', (text, term) => {
    expect(parseTerm(text)).toEqual(term);
  });

  it.each(['0', '-1', '1.5 hours', '6 weeks', 'soon', '121 months', ''])('refuses %s', (text) => {
    expect(parseTerm(text)).toBeUndefined();
  });

  it('counts months by the calendar and the rest by the clock', () => {
    const now = new Date('2026-08-31T12:00:00Z');
    expect(termBefore(now, { amount: 6, unit: 'months' })).toEqual(new Date('2026-02-28T12:00:00Z'));
    expect(termBefore(now, { amount: 30, unit: 'minutes' })).toEqual(new Date('2026-08-31T11:30:00Z'));
    expect(termBefore(now, { amount: 2, unit: 'hours' })).toEqual(new Date('2026-08-31T10:00:00Z'));
    expect(termBefore(now, { amount: 1, unit: 'days' })).toEqual(new Date('2026-08-30T12:00:00Z'));
  });

  it('names the term for the audit, with its months only when it is in months', () => {
    expect(describeTerm({ amount: 30, unit: 'minutes' })).toBe('30 minutes');
    expect(termMonths({ amount: 30, unit: 'minutes' })).toBeNull();
    expect(termMonths({ amount: 6, unit: 'months' })).toBe(6);
  });

  it('as a setting: defaults to months, and refuses a bad value at boot with what it takes', () => {
    expect(termSetting(6).parse(undefined)).toEqual({ amount: 6, unit: 'months' });
    const refused = termSetting(6).safeParse('6 weeks');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('<n> minutes|hours|days|months');
  });
});

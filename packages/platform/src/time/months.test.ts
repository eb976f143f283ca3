import { describe, expect, it } from 'vitest';
import { monthsBefore } from './months.ts';

describe('months before', () => {
  it('keeps the day and the time of day', () => {
    expect(monthsBefore(new Date('2026-12-02T10:00:00Z'), 18)).toEqual(new Date('2025-06-02T10:00:00Z'));
  });

  it('clamps to the last day of a shorter month, leap years included', () => {
    expect(monthsBefore(new Date('2026-08-31T12:00:00Z'), 6)).toEqual(new Date('2026-02-28T12:00:00Z'));
    expect(monthsBefore(new Date('2028-08-31T12:00:00Z'), 6)).toEqual(new Date('2028-02-29T12:00:00Z'));
  });
});

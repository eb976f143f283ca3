import { describe, expect, it } from 'vitest';
import { Period, periodBounds } from './period.ts';

describe('monitor periods', () => {
  it.each([
    ['2026-11', '2026-11-01', '2026-12-01'],
    ['2026-12', '2026-12-01', '2027-01-01'],
    ['2026-Q1', '2026-01-01', '2026-04-01'],
    ['2026-Q4', '2026-10-01', '2027-01-01'],
    ['2026', '2026-01-01', '2027-01-01'],
  ])('%s runs from %s up to %s', (period, from, to) => {
    const bounds = periodBounds(period);
    expect([bounds.from.toISOString().slice(0, 10), bounds.to.toISOString().slice(0, 10)]).toEqual([from, to]);
  });

  it.each(['2026-13', '2026-Q5', '26-11', '2026-1'])('%s is not a period', (period) => {
    expect(Period.safeParse(period).success).toBe(false);
  });
});

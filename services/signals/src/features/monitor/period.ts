import { z } from 'zod';

/** A reporting period as municipalities deliver the monitor: a month (`2026-11`), a quarter (`2026-Q4`) or a year. */
export const Period = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'expected YYYY, YYYY-MM or YYYY-Qn');

/** The period as a half-open UTC interval [from, to). */
export function periodBounds(period: string): { from: Date; to: Date } {
  const year = Number(period.slice(0, 4));
  const utc = (month: number) => new Date(Date.UTC(year, month, 1));
  const quarter = /-Q([1-4])$/.exec(period);
  if (quarter) {
    const first = (Number(quarter[1]) - 1) * 3;
    return { from: utc(first), to: utc(first + 3) };
  }
  if (period.length === 7) {
    const month = Number(period.slice(5, 7)) - 1;
    return { from: utc(month), to: utc(month + 1) };
  }
  return { from: utc(0), to: utc(12) };
}

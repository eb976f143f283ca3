import { amsterdamMidnight } from './working-days.ts';

/**
 * Retention terms are in calendar months (DOMAIN.md: 6, 12, 18 months), so
 * both services that delete personal data count them the same way.
 */

/** `instant` minus whole calendar months, clamped to the month's last day (31 Aug - 6 months = 28/29 Feb). */
export function monthsBefore(instant: Date, months: number): Date {
  const result = new Date(instant);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** A calendar month as `YYYY-MM`, the period of the counts the coordinator's views show. */
export const calendarMonthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The instants a calendar month (`YYYY-MM`) starts and ends in Amsterdam:
 * a signal at 00:30 on 1 March Amsterdam time counts in March, as the
 * municipality reads it, although it is still February in UTC.
 */
export function amsterdamMonthBounds(month: string): { from: Date; to: Date } {
  if (!calendarMonthPattern.test(month)) throw new Error(`not a calendar month: ${month}`);
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const next = monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
  return { from: amsterdamMidnight(`${month}-01`), to: amsterdamMidnight(`${next}-01`) };
}

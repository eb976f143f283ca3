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

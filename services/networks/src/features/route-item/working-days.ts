/**
 * Deadlines in working days, Monday to Friday, on the calendar of the
 * municipality (Europe/Amsterdam), not of the server. An item taken in at the
 * weekend starts counting on Monday. Public holidays come with the
 * municipality's calendar (see the networks issue); until then only
 * weekends are skipped.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar date in Amsterdam at `instant`, as `YYYY-MM-DD`. */
export function amsterdamDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Amsterdam',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

const isWeekend = (date: Date) => date.getUTCDay() === 0 || date.getUTCDay() === 6;

/** The date `days` working days after the intake date `start` (YYYY-MM-DD). */
export function addWorkingDays(start: string, days: number): string {
  let date = new Date(`${start}T00:00:00Z`);
  while (isWeekend(date)) date = new Date(date.getTime() + DAY_MS);
  for (let counted = 0; counted < days; ) {
    date = new Date(date.getTime() + DAY_MS);
    if (!isWeekend(date)) counted += 1;
  }
  return date.toISOString().slice(0, 10);
}

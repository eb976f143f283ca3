import { z } from 'zod';
import { monthsBefore } from './months.ts';

/**
 * A retention term. In production terms are calendar months (DOMAIN.md: 6,
 * 12, 18 months); minutes, hours and days exist so an operator can watch
 * retention delete on a staging system the same afternoon.
 */
export const termUnits = ['minutes', 'hours', 'days', 'months'] as const;
export type TermUnit = (typeof termUnits)[number];

export interface Term {
  amount: number;
  unit: TermUnit;
}

const MINUTES_PER: Record<Exclude<TermUnit, 'months'>, number> = { minutes: 1, hours: 60, days: 24 * 60 };

/** The instant `term` before `instant`: months by the calendar (clamped to a month's last day), the rest by the clock. */
export function termBefore(instant: Date, term: Term): Date {
  if (term.unit === 'months') return monthsBefore(instant, term.amount);
  return new Date(instant.getTime() - term.amount * MINUTES_PER[term.unit] * 60_000);
}

/** `6 months`, `90 minutes`: how the audit and the logs name a term. */
export const describeTerm = (term: Term) => `${term.amount} ${term.unit}`;

/** The whole months of a term, or null when it is not counted in months. */
export const termMonths = (term: Term): number | null => (term.unit === 'months' ? term.amount : null);

/** The audit columns of a term: its months (null when not in months) and how it was written. */
export const auditedTerm = (term: Term) => ({ termMonths: termMonths(term), termLength: describeTerm(term) });

const TERM = /^(\d{1,6})\s*(minutes?|min|hours?|h|days?|d|months?)?$/i;
const unitOf = (word: string | undefined): TermUnit => {
  const w = (word ?? 'months').toLowerCase();
  if (w.startsWith('min')) return 'minutes';
  if (w.startsWith('h')) return 'hours';
  if (w.startsWith('d')) return 'days';
  return 'months';
};

/** Longest term accepted, per unit: ten years. */
const MAX: Record<TermUnit, number> = {
  minutes: 10 * 366 * 24 * 60,
  hours: 10 * 366 * 24,
  days: 10 * 366,
  months: 120,
};

/** A term as written in configuration: a bare number counts months (the variable's unit), else `<n> <unit>`. */
export function parseTerm(text: string): Term | undefined {
  const match = TERM.exec(text.trim());
  if (!match) return undefined;
  const term = { amount: Number(match[1]), unit: unitOf(match[2]) };
  return term.amount >= 1 && term.amount <= MAX[term.unit] ? term : undefined;
}

/**
 * A retention term setting in a service's config schema, validated at boot:
 * `6` or `6 months`, `36 hours`, `30 minutes`, `14 days`; at least 1, at most ten years.
 */
export const termSetting = (defaultMonths: number) =>
  z
    .string()
    .default(String(defaultMonths))
    .transform((text, context) => {
      const term = parseTerm(text);
      if (!term) {
        context.addIssue({
          code: 'custom',
          message: `'${text}' is not a term: a number of months, or '<n> minutes|hours|days|months' (at least 1, at most ten years)`,
        });
        return z.NEVER;
      }
      return term;
    });

import {
  addWorkingDays,
  amsterdamDate,
  amsterdamMidnight,
  ESCALATION_FACTOR,
  workingDaysBetween,
} from '@vangnet/platform/working-days';

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The escalation date of a routing decision. Networks sets it from the
 * item's first routing; a decision without it (made before the field
 * existed) takes the date an earlier referral of the same item had, and
 * otherwise counts three times the deadline's working days from the day of
 * the decision.
 */
export function escalationDateOf(
  decision: { deadline: string; decidedAt: string; escalatesOn?: string | undefined },
  earlierEscalatesOn: string | undefined,
): string {
  if (decision.escalatesOn) return decision.escalatesOn;
  if (earlierEscalatesOn) return earlierEscalatesOn;
  const start = amsterdamDate(new Date(decision.decidedAt));
  return addWorkingDays(start, workingDaysBetween(start, decision.deadline) * ESCALATION_FACTOR);
}

/**
 * When the two timers of a referral are due, as instants: it expires at the
 * start of the day after its deadline (the team has the whole deadline day,
 * Amsterdam time), and escalates at the start of its escalation date;
 * unless the rule's deadline was in minutes, when the decision names the
 * instants itself.
 */
export function timersOf(
  deadline: string,
  escalatesOn: string,
  exact: { expiresAt?: string | undefined; escalatesAt?: string | undefined } = {},
): { expiresAt: Date; escalatesAt: Date } {
  return {
    expiresAt: exact.expiresAt ? new Date(exact.expiresAt) : amsterdamMidnight(nextDay(deadline)),
    escalatesAt: exact.escalatesAt ? new Date(exact.escalatesAt) : amsterdamMidnight(escalatesOn),
  };
}

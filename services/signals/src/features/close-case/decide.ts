import type { ClosingResult } from '@vangnet/contracts/codes';
import { feedbackStatus } from '../receive-signal/rules.ts';

/**
 * A team closed its referral of a household case with a closing result.
 * Pure: returns what to write, or null when there is nothing to do (an
 * unknown case, or one already closed: a redelivered or replayed close must
 * not overwrite the first result).
 */
export function decideCaseClosing(
  householdCase: { id: string; status: string } | null,
  result: ClosingResult,
  closedAt: Date,
) {
  if (householdCase?.status !== 'open') return null;
  return {
    caseId: householdCase.id,
    result,
    closedAt,
    /** What the case's open signals become; the partner sees only the purpose-limited status. */
    signals: { status: 'closed', closingResult: result, feedbackStatus: feedbackStatus(result), closedAt },
  };
}

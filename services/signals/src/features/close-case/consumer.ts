import type { ClosingResult } from '@vangnet/contracts/codes';
import { ReferralClosedV1 } from '@vangnet/contracts/referrals';
import { CaseClosedV1 } from '@vangnet/contracts/signals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { on } from '@vangnet/messaging/consumer';
import { outboxMessage } from '@vangnet/messaging/outbox';
import type { Transaction } from '../../db.ts';
import { decideCaseClosing } from './decide.ts';

/**
 * The closed loop: when a team closes its referral of a household case, the
 * case closes with the team's result, every open signal of it takes the
 * purpose-limited status its partner may see, and CaseClosed tells the
 * other services and the monitor. Referrals of GP requests are not ours.
 */
export const closeCaseOnReferralClosed = (eventSource: string) =>
  on<typeof ReferralClosedV1, Transaction>(ReferralClosedV1, async (closed, { tx, trace }) => {
    if (closed.item.kind !== 'case') return;
    // Lock the case row: a signal joining at this moment waits, then sees the case closed.
    const rows = await tx.$queryRaw<{ id: string; status: string }[]>`
      SELECT id::text, status FROM household_case WHERE id = ${closed.item.id}::uuid FOR UPDATE`;
    const closing = decideCaseClosing(rows[0] ?? null, closed.result as ClosingResult, new Date(closed.closedAt));
    if (!closing) return;
    await tx.householdCase.update({
      where: { id: closing.caseId },
      data: { status: 'closed', closingResult: closing.result, closedAt: closing.closedAt },
    });
    await tx.signal.updateMany({ where: { caseId: closing.caseId, status: 'open' }, data: closing.signals });
    await appendToOutbox(tx, [
      outboxMessage(
        CaseClosedV1,
        { caseId: closing.caseId, result: closing.result, closedAt: closing.closedAt.toISOString() },
        { source: eventSource, ...trace },
      ),
    ]);
  });

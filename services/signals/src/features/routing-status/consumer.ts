import { RoutingDecidedV2, RoutingFailedV1 } from '@vangnet/contracts/networks';
import { type EventHandler, on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { routingDecidedV1ToV2 } from '../case-access/consumer.ts';
import { openSignalStatus, type RoutingOutcomeKind, withCoordinatorAfter } from './decide.ts';

/**
 * Keeps the case's routing state and its open signals' status in step with
 * the router's outcomes. Both events are keyed by the case on one topic, so
 * they arrive in order. The case row is locked like closing does, so a
 * signal joining meanwhile waits and then takes the state (the intake's
 * write copies it, see FEEDBACK_STATUS in receive-signal/intake.ts); a closed
 * case's signals already show their result and stay as they are.
 */
async function apply(tx: Transaction, caseId: string, outcome: RoutingOutcomeKind) {
  const rows = await tx.$queryRaw<{ status: string }[]>`
    SELECT status FROM household_case WHERE id = ${caseId}::uuid FOR UPDATE`;
  if (rows[0]?.status !== 'open') return;
  const withCoordinator = withCoordinatorAfter(outcome);
  await tx.householdCase.update({ where: { id: caseId }, data: { withCoordinator } });
  await tx.signal.updateMany({
    where: { caseId, status: 'open' },
    data: { feedbackStatus: openSignalStatus(withCoordinator) },
  });
}

export const routingStatusHandlers = (): EventHandler<Transaction>[] => [
  on<typeof RoutingFailedV1, Transaction>(RoutingFailedV1, async (failed, { tx }) => {
    if (failed.item.kind === 'case') await apply(tx, failed.item.id, 'failed');
  }),
  on<typeof RoutingDecidedV2, Transaction>(
    RoutingDecidedV2,
    async (decision, { tx }) => {
      if (decision.item.kind === 'case') await apply(tx, decision.item.id, 'decided');
    },
    { upcasters: [routingDecidedV1ToV2] },
  ),
];

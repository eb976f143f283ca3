import { RoutingDecidedV2, RoutingFailedV1 } from '@vangnet/contracts/networks';
import { type BatchItem, type EventHandler, on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { routingDecidedV1ToV2 } from '../case-access/consumer.ts';
import { openSignalStatus, type RoutingOutcomeKind, withCoordinatorAfter } from './decide.ts';

type Outcome = { item: { kind: string; id: string } };

/**
 * Keeps the case's routing state and its open signals' status in step with
 * the router's outcomes. Both events are keyed by the case on one topic, so
 * they arrive in order. The case row is locked like closing does, so a
 * signal joining meanwhile waits and then takes the state (the intake's
 * write copies it, see FEEDBACK_STATUS in receive-signal/intake.ts); a closed
 * case's signals already show their result and stay as they are.
 *
 * One statement for a whole run of one outcome (handleMany), not three per
 * event: in bench:latency these were most of signals' statements, and every
 * statement is a round trip. A run holds one handler's events, so all of
 * them leave the same state, once or twice for a case alike.
 */
async function apply(tx: Transaction, outcomes: readonly Outcome[], kind: RoutingOutcomeKind) {
  const caseIds = outcomes.filter(({ item }) => item.kind === 'case').map(({ item }) => item.id);
  if (caseIds.length === 0) return;
  const withCoordinator = withCoordinatorAfter(kind);
  await tx.$executeRaw`
    WITH open_case AS (
      SELECT id FROM household_case
       WHERE id = ANY(${caseIds}::uuid[]) AND status = 'open'
       ORDER BY id
         FOR UPDATE
    ), marked AS (
      UPDATE household_case SET with_coordinator = ${withCoordinator}
        FROM open_case WHERE household_case.id = open_case.id
      RETURNING household_case.id
    )
    UPDATE signal SET feedback_status = ${openSignalStatus(withCoordinator)}
      FROM marked WHERE signal.case_id = marked.id AND signal.status = 'open'`;
}

const applyRun = (kind: RoutingOutcomeKind) => (items: BatchItem<Outcome>[], tx: Transaction) =>
  apply(
    tx,
    items.map(({ data }) => data),
    kind,
  );

export const routingStatusHandlers = (): EventHandler<Transaction>[] => [
  on<typeof RoutingFailedV1, Transaction>(RoutingFailedV1, async (failed, { tx }) => apply(tx, [failed], 'failed'), {
    handleMany: applyRun('failed'),
  }),
  on<typeof RoutingDecidedV2, Transaction>(
    RoutingDecidedV2,
    async (decision, { tx }) => apply(tx, [decision], 'decided'),
    { upcasters: [routingDecidedV1ToV2], handleMany: applyRun('decided') },
  ),
];

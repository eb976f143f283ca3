import type { RoutedItem } from '@vangnet/contracts/networks';
import { appendToOutbox } from '@vangnet/db/outbox';
import type { OutboxContext } from '@vangnet/messaging/outbox';
import type { Transaction } from '../../db.ts';
import { routingEvent } from '../../integration/routing-events.ts';
import type { RoutingFacts, RoutingRound } from '../route-item/decide.ts';
import type { RoutedItemState } from './decide.ts';

export interface LockedItem {
  state: RoutedItemState;
  facts: RoutingFacts;
  address: { postcode: string; houseNumber: number; municipalityCode: string | undefined };
}

/**
 * The item as networks last routed it, locked for this transaction: a
 * decline and an escalation of the same item can arrive at once on
 * different partitions (referral events are keyed by referral), and only
 * one of them may decide what happens next.
 */
export async function lockRoutedItem(tx: Transaction, item: RoutedItem): Promise<LockedItem | undefined> {
  await tx.$queryRaw`SELECT 1 FROM routed_item WHERE item_kind = ${item.kind} AND item_id = ${item.id}::uuid FOR UPDATE`;
  const row = await tx.routedItem.findUnique({ where: { itemKind_itemId: { itemKind: item.kind, itemId: item.id } } });
  // Referrals only makes referrals from networks' decisions, so an item this
  // networks never routed is another deployment's (a second environment or
  // a test on the same broker, which reads the topic from its beginning).
  // It is not ours to act on; parking each one on the dead-letter topic cost
  // a produce per event and buried real poison messages among them.
  if (!row) return undefined;
  return {
    state: {
      item,
      municipalityCode: row.municipalityCode,
      neighbourhoodCode: row.neighbourhoodCode,
      attempt: row.attempt,
      teamId: row.teamId,
      excludedTeamIds: row.excludedTeamIds,
      ruleId: row.ruleId,
      deadlineWorkingDays: row.deadlineWorkingDays,
      escalatesOn: row.escalatesOn ? row.escalatesOn.toISOString().slice(0, 10) : null,
    },
    facts: row.facts as unknown as RoutingFacts,
    address: {
      postcode: row.postcode,
      houseNumber: row.houseNumber,
      municipalityCode: row.municipalityCode ?? undefined,
    },
  };
}

/**
 * A person chose the team (a transfer, or the coordinator assigning from the
 * queue): the item moves to that team, the team carries one more, and the
 * RoutingDecided names no rule's match and nobody passed over.
 */
export async function assignByHand(
  tx: Transaction,
  input: {
    item: RoutedItem;
    state: RoutedItemState;
    outcome: {
      round: RoutingRound;
      teamId: string;
      ruleId: string;
      deadline: string;
      deadlineWorkingDays: number;
      escalatesOn: string;
      explanation: string;
      /** Only for a transfer: the id referrals reserved for the new referral. */
      referralId?: string;
    };
    decisionId: string;
    now: Date;
    context: Omit<OutboxContext, 'time'>;
  },
): Promise<void> {
  const { item, state, outcome, decisionId, now, context } = input;
  await tx.routedItem.update({
    where: { itemKind_itemId: { itemKind: item.kind, itemId: item.id } },
    data: {
      teamId: outcome.teamId,
      attempt: outcome.round.attempt,
      excludedTeamIds: outcome.round.excludedTeamIds,
      deadlineWorkingDays: outcome.deadlineWorkingDays,
      escalatesOn: new Date(`${outcome.escalatesOn}T00:00:00Z`),
      updatedAt: now,
    },
  });
  await tx.team.update({ where: { id: outcome.teamId }, data: { openAssignments: { increment: 1 } } });
  await appendToOutbox(tx, [
    routingEvent(
      {
        outcome: 'decided',
        item,
        teamId: outcome.teamId,
        informTeamIds: [],
        ruleId: outcome.ruleId,
        neighbourhoodCode: state.neighbourhoodCode ?? '',
        municipalityCode: state.municipalityCode ?? '',
        deadline: outcome.deadline,
        deadlineWorkingDays: outcome.deadlineWorkingDays,
        escalation: outcome.escalatesOn,
        passedOver: [],
        explanation: outcome.explanation,
      },
      decisionId,
      now,
      context,
      outcome.round,
      { escalatesOn: outcome.escalatesOn, referralId: outcome.referralId },
    ),
  ]);
}

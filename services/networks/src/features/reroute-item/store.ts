import type { RoutedItem } from '@vangnet/contracts/networks';
import type { Transaction } from '../../db.ts';
import type { RoutingFacts } from '../route-item/decide.ts';
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

import type { OutboxContext } from '@vangnet/messaging/outbox';
import type { Principal } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import type { Transaction } from '../../db.ts';
import { loadHolidayCalendar } from '../public-holidays/store.ts';
import { lockRoutedItem } from '../reroute-item/store.ts';
import { lockTeams } from '../route-item/load.ts';
import { decidedByHand, recordRoutingOutcome } from '../routing-outcome/record.ts';
import { decideAssignment } from './decide.ts';

type Caller = Pick<Principal, 'kind' | 'municipalityCode'>;

/** The open entry, locked; another municipality's entry does not exist for a coordinator. */
async function openEntry(tx: Transaction, caller: Caller, entryId: string) {
  await tx.$queryRaw`SELECT 1 FROM coordinator_queue_item WHERE id = ${entryId}::uuid FOR UPDATE`;
  const entry = await tx.coordinatorQueueItem.findUnique({ where: { id: entryId } });
  if (!entry || (caller.kind !== 'admin' && entry.municipalityCode !== caller.municipalityCode)) {
    throw new DomainError('QUEUE_ENTRY_NOT_FOUND', `no entry ${entryId} in the coordinator queue`);
  }
  if (entry.resolvedAt) {
    throw new DomainError('QUEUE_ENTRY_RESOLVED', `entry ${entryId} was resolved at ${entry.resolvedAt.toISOString()}`);
  }
  return entry;
}

/** Marks an entry dealt with (an escalation the coordinator followed up by phone, say). */
export async function resolveEntry(tx: Transaction, caller: Caller, entryId: string, now: Date): Promise<void> {
  await openEntry(tx, caller, entryId);
  await tx.coordinatorQueueItem.update({ where: { id: entryId }, data: { resolvedAt: now } });
}

/**
 * The coordinator gives a waiting item to a team: a RoutingDecided like any
 * other (attempt + 1, ruleId `coordinator`), so referrals makes the
 * referral; the team's slot is counted and every open entry of the item is
 * resolved. Refused with a domain error when a team still holds the item or
 * the team cannot take it.
 */
export async function assignFromQueue(
  tx: Transaction,
  caller: Caller,
  request: { entryId: string; teamId: string },
  context: OutboxContext,
): Promise<{ decisionId: string }> {
  const now = context.time ?? new Date();
  const entry = await openEntry(tx, caller, request.entryId);
  const item = { kind: entry.itemKind as 'case' | 'signal' | 'referral_request', id: entry.itemId };
  const locked = await lockRoutedItem(tx, item);
  if (!locked) throw new DomainError('QUEUE_ITEM_UNKNOWN', `networks never routed ${item.kind} ${item.id}`);
  const { state } = locked;
  await lockTeams(tx, [request.teamId]);
  const target = await tx.team.findUnique({ where: { id: request.teamId } });
  const holidays = await loadHolidayCalendar(tx, now);
  const outcome = decideAssignment({ state, target: target ?? undefined, now, holidays });
  if (outcome.outcome === 'refused') throw new DomainError(outcome.code, outcome.detail);
  // An unassigned item belongs to the municipality of the team a person gave it to from now on.
  const municipalityCode = state.municipalityCode ?? target?.municipalityCode ?? null;
  const { decisionId } = await recordRoutingOutcome(
    tx,
    decidedByHand({ item, neighbourhoodCode: state.neighbourhoodCode, municipalityCode }, outcome),
    { now, context },
  );
  await tx.coordinatorQueueItem.updateMany({
    where: { itemKind: item.kind, itemId: item.id, resolvedAt: null },
    data: { resolvedAt: now },
  });
  return { decisionId };
}

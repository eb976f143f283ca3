import { randomUUID } from 'node:crypto';
import type { RoutedItem } from '@vangnet/contracts/networks';
import {
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralEscalatedV1,
  ReferralExpiredV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { type HandlerContext, on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { routingFailedEvent } from '../../integration/routing-events.ts';
import { loadHolidayCalendar } from '../public-holidays/store.ts';
import { routeItem } from '../route-item/consumer.ts';
import { lockTeams } from '../route-item/load.ts';
import { decideAfterReferralEnded, decideTransfer } from './decide.ts';
import { assignByHand, lockRoutedItem } from './store.ts';

/**
 * A referral ended for its team (declined, expired, transferred, closed):
 * the team has room for one more. Never below zero: a slot counted before
 * networks kept count (or freed twice by a bug) must not give a team
 * negative load and so more than its capacity.
 */
async function freeSlot(tx: Transaction, teamId: string): Promise<void> {
  await tx.team.updateMany({
    where: { id: teamId, openAssignments: { gt: 0 } },
    data: { openAssignments: { decrement: 1 } },
  });
}

async function queueForCoordinator(
  tx: Transaction,
  entry: {
    municipalityCode: string | null;
    item: RoutedItem;
    referralId: string;
    /** The failed routing decision, when networks recorded one. */
    decisionId?: string;
    reason: string;
    explanation: string;
    now: Date;
  },
): Promise<void> {
  await tx.coordinatorQueueItem.create({
    data: {
      id: randomUUID(),
      municipalityCode: entry.municipalityCode,
      itemKind: entry.item.kind,
      itemId: entry.item.id,
      decisionId: entry.decisionId ?? null,
      referralId: entry.referralId,
      reason: entry.reason,
      explanation: entry.explanation.slice(0, 500),
      queuedAt: entry.now,
    },
  });
}

/**
 * A decline or an expired deadline: free the team's slot and route the
 * item again without every team that had it, or hand it to the
 * coordinator (RoutingFailed `no_team_left`) when no team is left or the
 * item was routed too often.
 */
async function rerouteAfter(
  ended: { referralId: string; item: RoutedItem; teamId: string; why: 'declined' | 'expired' },
  context: HandlerContext<Transaction>,
  eventSource: string,
): Promise<void> {
  const { tx, trace } = context;
  const locked = await lockRoutedItem(tx, ended.item);
  if (!locked) return;
  const { state, facts, address } = locked;
  const next = decideAfterReferralEnded(state, ended);
  if (next.action !== 'reroute') await freeSlot(tx, ended.teamId);
  if (next.action === 'none') return;
  if (next.action === 'to_coordinator') {
    const now = new Date();
    const decisionId = randomUUID();
    await tx.routingDecision.create({
      data: {
        id: decisionId,
        itemKind: ended.item.kind,
        itemId: ended.item.id,
        outcome: 'failed',
        teamId: null,
        reason: 'no_team_left',
        explanation: next.explanation,
        decidedAt: now,
        attempt: next.round.attempt,
        neighbourhoodCode: state.neighbourhoodCode,
        municipalityCode: state.municipalityCode,
      },
    });
    await tx.routedItem.update({
      where: { itemKind_itemId: { itemKind: ended.item.kind, itemId: ended.item.id } },
      data: { teamId: null, attempt: next.round.attempt, excludedTeamIds: next.round.excludedTeamIds, updatedAt: now },
    });
    await queueForCoordinator(tx, {
      municipalityCode: state.municipalityCode,
      item: ended.item,
      referralId: ended.referralId,
      decisionId,
      reason: 'too_many_attempts',
      explanation: next.explanation,
      now,
    });
    // For referrals no team is left either: without the event a GP request would wait for a team forever.
    await appendToOutbox(tx, [
      routingFailedEvent({ item: ended.item, reason: 'no_team_left', explanation: next.explanation }, decisionId, now, {
        source: eventSource,
        ...trace,
      }),
    ]);
    return;
  }
  await routeItem(facts, address, context, eventSource, next.round, {
    escalatesOn: state.escalatesOn,
    lockTeamIds: [ended.teamId],
  });
  await freeSlot(tx, ended.teamId);
}

export const rerouteDeclined = (eventSource: string) =>
  on<typeof ReferralDeclinedV1, Transaction>(ReferralDeclinedV1, (declined, context) =>
    rerouteAfter({ ...declined, why: 'declined' }, context, eventSource),
  );

export const rerouteExpired = (eventSource: string) =>
  on<typeof ReferralExpiredV1, Transaction>(ReferralExpiredV1, (expired, context) =>
    rerouteAfter({ ...expired, why: 'expired' }, context, eventSource),
  );

/**
 * A transfer goes back through the router: the old team's slot is freed
 * and, when the new team may take the item, RoutingDecided names it with
 * the referral id referrals reserved; otherwise the coordinator gets it,
 * and RoutingFailed `transfer_refused` tells referrals so (the reserved
 * referral will never come; a GP request is with the coordinator).
 */
export const routeTransfer = (eventSource: string) =>
  on<typeof ReferralTransferredV1, Transaction>(ReferralTransferredV1, async (transferred, { tx, trace }) => {
    const now = new Date();
    const locked = await lockRoutedItem(tx, transferred.item);
    if (!locked) return;
    const { state } = locked;
    await lockTeams(tx, [transferred.teamId, transferred.toTeamId]);
    await freeSlot(tx, transferred.teamId);
    const target = await tx.team.findUnique({ where: { id: transferred.toTeamId } });
    const holidays = await loadHolidayCalendar(tx, now);
    const outcome = decideTransfer({ state, transfer: transferred, target: target ?? undefined, now, holidays });
    const key = { itemKind_itemId: { itemKind: transferred.item.kind, itemId: transferred.item.id } };
    const decisionId = randomUUID();
    await tx.routingDecision.create({
      data: {
        id: decisionId,
        itemKind: transferred.item.kind,
        itemId: transferred.item.id,
        outcome: outcome.outcome === 'decided' ? 'decided' : 'failed',
        teamId: outcome.outcome === 'decided' ? outcome.teamId : null,
        reason: outcome.outcome === 'refused' ? `transfer_${outcome.reason}` : null,
        explanation: outcome.explanation,
        decidedAt: now,
        ruleId: outcome.outcome === 'decided' ? outcome.ruleId : null,
        attempt: outcome.outcome === 'decided' ? outcome.round.attempt : state.attempt,
        neighbourhoodCode: state.neighbourhoodCode,
        municipalityCode: state.municipalityCode,
      },
    });
    if (outcome.outcome === 'refused') {
      // The old referral ended with the transfer; the item waits for a person instead of a team.
      await tx.routedItem.update({ where: key, data: { teamId: null, updatedAt: now } });
      await queueForCoordinator(tx, {
        municipalityCode: state.municipalityCode,
        item: transferred.item,
        referralId: transferred.referralId,
        decisionId,
        reason: 'transfer_refused',
        explanation: outcome.explanation,
        now,
      });
      await appendToOutbox(tx, [
        routingFailedEvent(
          { item: transferred.item, reason: 'transfer_refused', explanation: outcome.explanation },
          decisionId,
          now,
          { source: eventSource, ...trace },
        ),
      ]);
      return;
    }
    await assignByHand(tx, {
      item: transferred.item,
      state,
      outcome,
      decisionId,
      now,
      context: { source: eventSource, ...trace },
    });
  });

/**
 * Still not accepted at three times the deadline: the coordinator steps in.
 * The referral stays with its team (it may still accept), so nothing is
 * routed and no slot is freed.
 */
export const escalateToCoordinator = () =>
  on<typeof ReferralEscalatedV1, Transaction>(ReferralEscalatedV1, async (escalated, { tx }) => {
    const locked = await lockRoutedItem(tx, escalated.item);
    if (!locked) return;
    const { state } = locked;
    await queueForCoordinator(tx, {
      municipalityCode: state.municipalityCode,
      item: escalated.item,
      referralId: escalated.referralId,
      reason: 'escalated',
      explanation: `team ${escalated.teamId} has not accepted the referral by ${escalated.escalatesOn} (deadline ${escalated.deadline})`,
      now: new Date(),
    });
  });

/** The team finished its work: its slot is free for the next item. */
export const freeSlotOnClose = () =>
  on<typeof ReferralClosedV1, Transaction>(ReferralClosedV1, async (closed, { tx }) => {
    await lockTeams(tx, [closed.teamId]);
    await freeSlot(tx, closed.teamId);
  });

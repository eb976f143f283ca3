import { randomUUID } from 'node:crypto';
import type { RoutedItem } from '@vangnet/contracts/networks';
import {
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralEscalatedV1,
  ReferralExpiredV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { type HandlerContext, on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { loadHolidayCalendar } from '../public-holidays/store.ts';
import { routeItem } from '../route-item/consumer.ts';
import { lockTeams } from '../route-item/load.ts';
import { decidedByHand, recordRoutingOutcome } from '../routing-outcome/record.ts';
import { decideAfterReferralEnded, decideTransfer } from './decide.ts';
import { lockRoutedItem } from './store.ts';

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
    // For referrals no team is left either: without the event a GP request would wait for a team forever.
    await recordRoutingOutcome(
      tx,
      {
        outcome: 'failed',
        item: ended.item,
        round: next.round,
        neighbourhoodCode: state.neighbourhoodCode,
        municipalityCode: state.municipalityCode,
        reason: 'no_team_left',
        explanation: next.explanation,
        published: 'no_team_left',
        queue: { reason: 'too_many_attempts', referralId: ended.referralId },
      },
      { now: new Date(), context: { source: eventSource, ...trace } },
    );
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
    const at = {
      item: transferred.item,
      neighbourhoodCode: state.neighbourhoodCode,
      municipalityCode: state.municipalityCode,
    };
    await recordRoutingOutcome(
      tx,
      outcome.outcome === 'decided'
        ? decidedByHand(at, outcome)
        : {
            // The old referral ended with the transfer; the item waits for a person instead of a team.
            outcome: 'failed',
            ...at,
            round: { attempt: state.attempt, excludedTeamIds: state.excludedTeamIds },
            reason: `transfer_${outcome.reason}`,
            explanation: outcome.explanation,
            published: 'transfer_refused',
            queue: { reason: 'transfer_refused', referralId: transferred.referralId },
          },
      { now, context: { source: eventSource, ...trace } },
    );
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
    // Not a routing outcome: the item stays with its team, so no decision and no event.
    await tx.coordinatorQueueItem.create({
      data: {
        id: randomUUID(),
        municipalityCode: state.municipalityCode,
        itemKind: escalated.item.kind,
        itemId: escalated.item.id,
        referralId: escalated.referralId,
        reason: 'escalated',
        explanation:
          `team ${escalated.teamId} has not accepted the referral by ${escalated.escalatesOn} (deadline ${escalated.deadline})`.slice(
            0,
            500,
          ),
        queuedAt: new Date(),
      },
    });
  });

/** The team finished its work: its slot is free for the next item. */
export const freeSlotOnClose = () =>
  on<typeof ReferralClosedV1, Transaction>(ReferralClosedV1, async (closed, { tx }) => {
    await lockTeams(tx, [closed.teamId]);
    await freeSlot(tx, closed.teamId);
  });

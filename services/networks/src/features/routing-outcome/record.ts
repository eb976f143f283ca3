import { randomUUID } from 'node:crypto';
import type { RoutedItem } from '@vangnet/contracts/networks';
import { appendToOutbox } from '@vangnet/db/outbox';
import { type Lane, onLane } from '@vangnet/messaging/lanes';
import type { OutboxContext } from '@vangnet/messaging/outbox';
import type { Transaction } from '../../db.ts';
import { routingEvent, routingFailedEvent } from '../../integration/routing-events.ts';
import type { RoutingFacts, RoutingOutcome, RoutingRound } from '../route-item/decide.ts';

type Decided = Extract<RoutingOutcome, { outcome: 'decided' }>;
type FailedReason = Parameters<typeof routingFailedEvent>[0]['reason'];

interface OutcomeOf {
  item: RoutedItem;
  /** The attempt this outcome counts as and the teams left out from now on. */
  round: RoutingRound;
  neighbourhoodCode: string | null;
  municipalityCode: string | null;
  /**
   * What the router routed on, when it (re)writes the whole routed_item row:
   * the first routing creates it. A person's decision only moves the item.
   */
  routedOn?: { facts: RoutingFacts; postcode: string; houseNumber: number };
}

/** A team got the item: by a rule, by a transfer or by the coordinator. */
export interface DecidedOutcome extends OutcomeOf {
  outcome: 'decided';
  decision: Decided;
  /** The escalation date the item keeps (the first routing's, or this one's). */
  escalatesOn: string;
  /**
   * `claimed`: the router already took the team's place with its one
   * conditional update (or under lock); `count`: a person chose the team,
   * so it carries one more whatever its capacity.
   */
  place: 'claimed' | 'count';
  /** Whether routed_item remembers this rule (a person's choice keeps the last rule's). */
  remembersRule: boolean;
  /** Only for a transfer: the id referrals reserved for the new referral. */
  referralId?: string;
}

/** Nobody got the item: it waits in the coordinator queue. */
export interface FailedOutcome extends OutcomeOf {
  outcome: 'failed';
  /** The routing_decision's reason. */
  reason: string;
  explanation: string;
  /** What RoutingFailed says (a refused transfer tells referrals `transfer_refused`, not why). */
  published: FailedReason;
  queue: { reason: string; referralId?: string };
}

export type RecordedOutcome = DecidedOutcome | FailedOutcome;

/** When and with what context (source, trace) an outcome is written, and the lane its event takes. */
export interface RecordedAt {
  now: Date;
  context: Omit<OutboxContext, 'time'>;
  lane?: Lane;
}

/**
 * The one place a routing outcome is written, in the caller's transaction:
 * the routing_decision row, the routed item's new state, the team's open
 * count, the coordinator queue entry of a failure and the RoutingDecided or
 * RoutingFailed message. Decided outcomes come from the pure decide
 * functions; the caller has locked what it decided on. Four statements at
 * most on the router's hot path (five with a failure).
 */
export async function recordRoutingOutcome(
  tx: Transaction,
  outcome: RecordedOutcome,
  at: RecordedAt,
): Promise<{ decisionId: string }> {
  const [recorded] = await recordRoutingOutcomes(tx, [{ outcome, at }]);
  return recorded as { decisionId: string };
}

/**
 * recordRoutingOutcome for several outcomes, in order, in about as many
 * statements as for one: the decisions, the routed items of first
 * routings, the queue entries and the messages each in one multi-row
 * insert. A first routing (attempt 1 with `routedOn`) creates its routed
 * item: the caller has checked that the item has none, and a routing of the
 * same item committed meanwhile (the other lane) makes the insert fail and
 * the transaction roll back instead of counting the item twice.
 */
export async function recordRoutingOutcomes(
  tx: Transaction,
  entries: readonly { outcome: RecordedOutcome; at: RecordedAt }[],
): Promise<{ decisionId: string }[]> {
  const written = entries.map(({ outcome, at }) => {
    const decided = outcome.outcome === 'decided' ? outcome : undefined;
    return {
      outcome,
      at,
      decided,
      decisionId: randomUUID(),
      explanation: decided ? decided.decision.explanation : (outcome as FailedOutcome).explanation,
    };
  });
  await tx.routingDecision.createMany({
    data: written.map(({ outcome, at, decided, decisionId, explanation }) => ({
      id: decisionId,
      itemKind: outcome.item.kind,
      itemId: outcome.item.id,
      outcome: outcome.outcome,
      teamId: decided ? decided.decision.teamId : null,
      reason: outcome.outcome === 'failed' ? outcome.reason : null,
      explanation,
      decidedAt: at.now,
      ruleId: decided ? decided.decision.ruleId : null,
      attempt: outcome.round.attempt,
      neighbourhoodCode: outcome.neighbourhoodCode,
      municipalityCode: outcome.municipalityCode,
    })),
  });
  const created = [];
  for (const { outcome, at, decided } of written) {
    const { item, round } = outcome;
    const state = {
      municipalityCode: outcome.municipalityCode,
      neighbourhoodCode: outcome.neighbourhoodCode,
      attempt: round.attempt,
      teamId: decided ? decided.decision.teamId : null,
      excludedTeamIds: round.excludedTeamIds,
      updatedAt: at.now,
      // A failure keeps the last rule, its deadline and escalation, so a coordinator's later assignment has a deadline.
      ...(decided
        ? {
            deadlineWorkingDays: decided.decision.deadlineWorkingDays,
            escalatesOn: new Date(`${decided.escalatesOn}T00:00:00Z`),
            ...(decided.remembersRule ? { ruleId: decided.decision.ruleId } : {}),
          }
        : {}),
    };
    const key = { itemKind_itemId: { itemKind: item.kind, itemId: item.id } };
    if (outcome.routedOn) {
      const remembered = { ...state, ...outcome.routedOn, facts: outcome.routedOn.facts as object };
      if (round.attempt === 1) created.push({ itemKind: item.kind, itemId: item.id, ...remembered });
      else {
        await tx.routedItem.upsert({
          where: key,
          create: { itemKind: item.kind, itemId: item.id, ...remembered },
          update: remembered,
        });
      }
    } else {
      await tx.routedItem.update({ where: key, data: state });
    }
    if (decided?.place === 'count') {
      await tx.team.update({ where: { id: decided.decision.teamId }, data: { openAssignments: { increment: 1 } } });
    }
  }
  if (created.length > 0) await tx.routedItem.createMany({ data: created });
  const failed = written.filter((entry) => entry.outcome.outcome === 'failed');
  if (failed.length > 0) {
    await tx.coordinatorQueueItem.createMany({
      data: failed.map(({ outcome, at, decisionId, explanation }) => ({
        id: randomUUID(),
        municipalityCode: outcome.municipalityCode,
        itemKind: outcome.item.kind,
        itemId: outcome.item.id,
        decisionId,
        referralId: (outcome as FailedOutcome).queue.referralId ?? null,
        reason: (outcome as FailedOutcome).queue.reason,
        explanation: explanation.slice(0, 500),
        queuedAt: at.now,
      })),
    });
  }
  const messages = written.map(({ outcome, at, decisionId, explanation }) => {
    const message =
      outcome.outcome === 'decided'
        ? routingEvent(outcome.decision, decisionId, at.now, at.context, outcome.round, {
            escalatesOn: outcome.escalatesOn,
            referralId: outcome.referralId,
          })
        : routingFailedEvent(
            { item: outcome.item, reason: outcome.published, explanation },
            decisionId,
            at.now,
            at.context,
          );
    // The decision travels on the lane its item came on: referrals' consumers
    // of bulk decisions queue behind the file, not a crisis' decision.
    return at.lane ? onLane(message, at.lane) : message;
  });
  await appendToOutbox(tx, messages);
  return written.map(({ decisionId }) => ({ decisionId }));
}

/**
 * A person's choice of team (a transfer, or the coordinator assigning from
 * the queue) as a decided outcome: no rule's match, nobody passed over,
 * nobody informed; the team carries one more.
 */
export function decidedByHand(
  at: { item: RoutedItem; neighbourhoodCode: string | null; municipalityCode: string | null },
  hand: {
    round: RoutingRound;
    teamId: string;
    ruleId: string;
    deadline: string;
    deadlineWorkingDays: number;
    escalatesOn: string;
    explanation: string;
    referralId?: string;
  },
): DecidedOutcome {
  return {
    outcome: 'decided',
    item: at.item,
    round: hand.round,
    neighbourhoodCode: at.neighbourhoodCode,
    municipalityCode: at.municipalityCode,
    decision: {
      outcome: 'decided',
      item: at.item,
      teamId: hand.teamId,
      informTeamIds: [],
      ruleId: hand.ruleId,
      neighbourhoodCode: at.neighbourhoodCode ?? '',
      municipalityCode: at.municipalityCode ?? '',
      deadline: hand.deadline,
      deadlineWorkingDays: hand.deadlineWorkingDays,
      escalation: hand.escalatesOn,
      passedOver: [],
      explanation: hand.explanation,
    },
    escalatesOn: hand.escalatesOn,
    place: 'count',
    remembersRule: false,
    ...(hand.referralId ? { referralId: hand.referralId } : {}),
  };
}

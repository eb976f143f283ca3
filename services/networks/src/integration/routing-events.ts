import type { EventData } from '@vangnet/contracts/events';
import { RoutingDecidedV2, RoutingFailedV1 } from '@vangnet/contracts/networks';
import { type OutboxContext, type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import { FIRST_ROUTING, type RoutingOutcome, type RoutingRound } from '../features/route-item/decide.ts';

/** The integration event for a routing outcome, ready for the outbox. */
export function routingEvent(
  outcome: RoutingOutcome,
  decisionId: string,
  decidedAt: Date,
  context: Omit<OutboxContext, 'time'>,
  round: RoutingRound = FIRST_ROUTING,
  extra: { escalatesOn?: string | undefined; referralId?: string | undefined } = {},
): OutboxMessage {
  if (outcome.outcome === 'decided') {
    const data: EventData<typeof RoutingDecidedV2> = {
      decisionId,
      item: outcome.item,
      teamId: outcome.teamId,
      informTeamIds: outcome.informTeamIds,
      ...(outcome.neighbourhoodCode ? { neighbourhoodCode: outcome.neighbourhoodCode } : {}),
      ruleId: outcome.ruleId,
      attempt: round.attempt,
      excludedTeamIds: [...round.excludedTeamIds],
      deadline: outcome.deadline,
      escalatesOn: extra.escalatesOn ?? outcome.escalation,
      ...(outcome.expiresAt ? { expiresAt: outcome.expiresAt } : {}),
      // A re-routing keeps the first routing's escalation date; then the instant of this rule does not apply.
      ...(outcome.escalatesAt && (extra.escalatesOn ?? outcome.escalation) === outcome.escalation
        ? { escalatesAt: outcome.escalatesAt }
        : {}),
      ...(extra.referralId ? { referralId: extra.referralId } : {}),
      explanation: outcome.explanation,
      decidedAt: decidedAt.toISOString(),
    };
    return outboxMessage(RoutingDecidedV2, data, { ...context, time: decidedAt });
  }
  return routingFailedEvent(outcome, decisionId, decidedAt, context);
}

/**
 * RoutingFailed: the item waits for the coordinator. Also for what the
 * router did not decide itself (a refused transfer, the attempt limit), so
 * referrals never waits for a team that is not coming.
 */
export function routingFailedEvent(
  failure: Pick<EventData<typeof RoutingFailedV1>, 'item' | 'reason' | 'explanation'>,
  decisionId: string,
  decidedAt: Date,
  context: Omit<OutboxContext, 'time'>,
): OutboxMessage {
  const data: EventData<typeof RoutingFailedV1> = {
    decisionId,
    item: failure.item,
    reason: failure.reason,
    explanation: failure.explanation.length <= 500 ? failure.explanation : `${failure.explanation.slice(0, 497)}...`,
    decidedAt: decidedAt.toISOString(),
  };
  return outboxMessage(RoutingFailedV1, data, { ...context, time: decidedAt });
}

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
      ...(extra.referralId ? { referralId: extra.referralId } : {}),
      explanation: outcome.explanation,
      decidedAt: decidedAt.toISOString(),
    };
    return outboxMessage(RoutingDecidedV2, data, { ...context, time: decidedAt });
  }
  const data: EventData<typeof RoutingFailedV1> = {
    decisionId,
    item: outcome.item,
    reason: outcome.reason,
    explanation: outcome.explanation,
    decidedAt: decidedAt.toISOString(),
  };
  return outboxMessage(RoutingFailedV1, data, { ...context, time: decidedAt });
}

import type { EventData } from '@vangnet/contracts/events';
import { RoutingDecidedV2, RoutingFailedV1 } from '@vangnet/contracts/networks';
import { type OutboxContext, type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import type { RoutingOutcome } from '../features/route-item/decide.ts';

/** Which routing of the item this is; re-routing after a decline or expiry counts up. */
export interface RoutingRound {
  attempt: number;
  /** Teams that had the item before and must not get it again. */
  excludedTeamIds: string[];
}

/** Every item is routed once until re-routing exists. */
export const FIRST_ROUTING: RoutingRound = Object.freeze({ attempt: 1, excludedTeamIds: [] });

/** The integration event for a routing outcome, ready for the outbox. */
export function routingEvent(
  outcome: RoutingOutcome,
  decisionId: string,
  decidedAt: Date,
  context: Omit<OutboxContext, 'time'>,
  round: RoutingRound = FIRST_ROUTING,
): OutboxMessage {
  if (outcome.outcome === 'decided') {
    const data: EventData<typeof RoutingDecidedV2> = {
      decisionId,
      item: outcome.item,
      teamId: outcome.teamId,
      informTeamIds: [],
      ruleId: outcome.ruleId,
      attempt: round.attempt,
      excludedTeamIds: [...round.excludedTeamIds],
      deadline: outcome.deadline,
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

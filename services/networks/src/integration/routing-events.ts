import type { EventData } from '@vangnet/contracts/events';
import { RoutingDecidedV1, RoutingFailedV1 } from '@vangnet/contracts/networks';
import { type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import type { RoutingOutcome } from '../features/route-item/decide.ts';

/** The integration event for a routing outcome, ready for the outbox. */
export function routingEvent(
  outcome: RoutingOutcome,
  decisionId: string,
  decidedAt: Date,
  source: string,
): OutboxMessage {
  if (outcome.outcome === 'decided') {
    const data: EventData<typeof RoutingDecidedV1> = {
      decisionId,
      item: outcome.item,
      teamId: outcome.teamId,
      informTeamIds: [],
      ruleId: outcome.ruleId,
      deadline: outcome.deadline,
      explanation: outcome.explanation,
      decidedAt: decidedAt.toISOString(),
    };
    return outboxMessage(RoutingDecidedV1, data, { source, time: decidedAt });
  }
  const data: EventData<typeof RoutingFailedV1> = {
    decisionId,
    item: outcome.item,
    reason: outcome.reason,
    explanation: outcome.explanation,
    decidedAt: decidedAt.toISOString(),
  };
  return outboxMessage(RoutingFailedV1, data, { source, time: decidedAt });
}

import { fromKafkaHeaders } from '@vangnet/contracts/envelope';
import type { AnyEventDefinition, EventData } from '@vangnet/contracts/events';
import {
  ContactAttemptedV1,
  ReferralAcceptedV1,
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralEscalatedV1,
  ReferralExpiredV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { type OutboxContext, type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import type { Transaction } from '../db.ts';
import type { LifecycleEvent, ReferralState } from '../features/lifecycle/decide.ts';
import { fanOut } from '../features/webhooks/fan-out.ts';
import type { ConcernedData, WebhookEventName } from '../features/webhooks/recipients.ts';

/**
 * The only way a referral's lifecycle event leaves this service: appends it
 * to the outbox and writes the webhook deliveries it causes, both in the
 * caller's transaction, the one that changes the referral. The deliveries
 * carry the attributes and data the relay publishes, so a receiver gets
 * exactly the event Kafka has, and a change that commits has its
 * deliveries (no path can publish and forget the webhooks).
 */
export async function emitReferralEvent(
  tx: Transaction,
  referral: ReferralState,
  event: LifecycleEvent,
  context: OutboxContext,
): Promise<OutboxMessage> {
  const { definition, message } = referralEvent(referral, event, context);
  await appendToOutbox(tx, [message]);
  const attributes = fromKafkaHeaders(message.headers);
  await fanOut(
    tx,
    {
      name: definition.name as WebhookEventName,
      type: attributes.type,
      attributes,
      data: message.payload as ConcernedData,
    },
    // The status event is this service's own, as the lifecycle event is.
    { gpStatusSource: context.source },
  );
  return message;
}

/**
 * The integration event of a lifecycle decision, ready for the outbox. Thin:
 * the referral, its item, the team and codes; the team's notes and anything
 * about the person stay in this service.
 */
function referralEvent(
  referral: ReferralState,
  event: LifecycleEvent,
  context: OutboxContext,
): { definition: AnyEventDefinition; message: OutboxMessage } {
  const build = <D extends AnyEventDefinition>(definition: D, data: EventData<D>) => ({
    definition,
    message: outboxMessage(definition, data, context),
  });
  const ref = {
    referralId: referral.id,
    item: { kind: referral.itemKind, id: referral.itemId },
    teamId: referral.teamId,
  };
  switch (event.type) {
    case 'accepted':
      return build(ReferralAcceptedV1, { ...ref, acceptedAt: event.acceptedAt });
    case 'declined':
      return build(ReferralDeclinedV1, { ...ref, reason: event.reason, declinedAt: event.declinedAt });
    case 'expired':
      return build(ReferralExpiredV1, { ...ref, deadline: event.deadline, expiredAt: event.expiredAt });
    case 'escalated':
      return build(ReferralEscalatedV1, {
        ...ref,
        deadline: event.deadline,
        escalatesOn: event.escalatesOn,
        escalatedAt: event.escalatedAt,
      });
    case 'transferred':
      return build(ReferralTransferredV1, {
        ...ref,
        newReferralId: event.newReferralId,
        toTeamId: event.toTeamId,
        transferredBy: event.transferredBy,
        transferredAt: event.transferredAt,
      });
    case 'contact_attempted':
      return build(ContactAttemptedV1, {
        ...ref,
        contactAttemptId: event.contactAttemptId,
        channel: event.channel,
        date: event.date,
        partOfDay: event.partOfDay,
        reached: event.reached,
        recordedAt: event.recordedAt,
      });
    case 'closed':
      return build(ReferralClosedV1, { ...ref, result: event.result, closedAt: event.closedAt });
  }
}

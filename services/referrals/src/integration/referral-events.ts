import {
  ContactAttemptedV1,
  ReferralAcceptedV1,
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralEscalatedV1,
  ReferralExpiredV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { type OutboxContext, type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import type { LifecycleEvent, ReferralState } from '../features/lifecycle/decide.ts';

/**
 * The integration event of a lifecycle decision, ready for the outbox. Thin:
 * the referral, its item, the team and codes; the team's notes and anything
 * about the person stay in this service.
 */
export function referralEvent(referral: ReferralState, event: LifecycleEvent, context: OutboxContext): OutboxMessage {
  const ref = {
    referralId: referral.id,
    item: { kind: referral.itemKind, id: referral.itemId },
    teamId: referral.teamId,
  };
  switch (event.type) {
    case 'accepted':
      return outboxMessage(ReferralAcceptedV1, { ...ref, acceptedAt: event.acceptedAt }, context);
    case 'declined':
      return outboxMessage(ReferralDeclinedV1, { ...ref, reason: event.reason, declinedAt: event.declinedAt }, context);
    case 'expired':
      return outboxMessage(
        ReferralExpiredV1,
        { ...ref, deadline: event.deadline, expiredAt: event.expiredAt },
        context,
      );
    case 'escalated':
      return outboxMessage(
        ReferralEscalatedV1,
        { ...ref, deadline: event.deadline, escalatesOn: event.escalatesOn, escalatedAt: event.escalatedAt },
        context,
      );
    case 'transferred':
      return outboxMessage(
        ReferralTransferredV1,
        {
          ...ref,
          newReferralId: event.newReferralId,
          toTeamId: event.toTeamId,
          transferredBy: event.transferredBy,
          transferredAt: event.transferredAt,
        },
        context,
      );
    case 'contact_attempted':
      return outboxMessage(
        ContactAttemptedV1,
        {
          ...ref,
          contactAttemptId: event.contactAttemptId,
          channel: event.channel,
          date: event.date,
          partOfDay: event.partOfDay,
          reached: event.reached,
          recordedAt: event.recordedAt,
        },
        context,
      );
    case 'closed':
      return outboxMessage(ReferralClosedV1, { ...ref, result: event.result, closedAt: event.closedAt }, context);
  }
}

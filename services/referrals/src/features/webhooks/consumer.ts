import type { AnyEventDefinition } from '@vangnet/contracts/events';
import { RoutingDecidedV2, RoutingFailedV1 } from '@vangnet/contracts/networks';
import {
  ContactAttemptedV1,
  ReferralAcceptedV1,
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralEscalatedV1,
  ReferralExpiredV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { type EventHandler, on, type Upcaster } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { routingDecidedV1ToV2 } from '../assign-referral/upcasters.ts';
import { gpPracticeOfRequest } from './gp-practice.ts';
import { type ConcernedData, recipientsOf, type WebhookEventName } from './recipients.ts';
import { createDeliveries, type Owner } from './store.ts';

/**
 * Turns one event into a delivery for every subscription it concerns. The
 * CloudEvents type delivered is the handler's (current) version, so an event
 * read through an upcaster is delivered in the version its data now has.
 */
function fanOut<D extends AnyEventDefinition>(
  definition: D,
  upcasters: Upcaster<D>[] = [],
  now: () => Date = () => new Date(),
): EventHandler<Transaction> {
  const name = definition.name as WebhookEventName;
  return on<D, Transaction>(
    definition,
    async (data, { tx, event }) => {
      const concerned = recipientsOf(name, data as ConcernedData);
      const owners: Owner[] = concerned.teamIds.map((id) => ({ kind: 'team', id }));
      if (concerned.referralRequestId) {
        const practice = await gpPracticeOfRequest(tx, concerned.referralRequestId);
        if (practice) owners.push({ kind: 'gp', id: practice });
      }
      await createDeliveries(tx, { owners, name, type: definition.type, event, data, now: now() });
    },
    { upcasters },
  );
}

/**
 * The handlers of the webhook consumer group, a group of its own: a slow or
 * failing fan-out never holds up the team inbox, and the inbox of this group
 * makes a redelivered event add no second delivery.
 */
export const webhookHandlers: EventHandler<Transaction>[] = [
  fanOut(RoutingDecidedV2, [routingDecidedV1ToV2]),
  fanOut(RoutingFailedV1),
  fanOut(ReferralAcceptedV1),
  fanOut(ReferralDeclinedV1),
  fanOut(ContactAttemptedV1),
  fanOut(ReferralClosedV1),
  fanOut(ReferralExpiredV1),
  fanOut(ReferralTransferredV1),
  fanOut(ReferralEscalatedV1),
];

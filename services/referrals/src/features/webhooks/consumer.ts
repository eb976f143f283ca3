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
import { announceGpStatus } from './gp-practice.ts';
import type { RoutingFacts } from './gp-status.ts';
import { type ConcernedData, recipientsOf, type WebhookEventName } from './recipients.ts';
import { createDeliveries, type Owner } from './store.ts';

export interface WebhookHandlerOptions {
  /** CloudEvents source of the events this service makes up for webhooks (GpReferralStatusChanged). */
  eventSource: string;
  now?: () => Date;
}

/**
 * Turns one event into a delivery for every team subscription it concerns.
 * The CloudEvents type delivered is the handler's (current) version, so an
 * event read through an upcaster is delivered in the version its data now
 * has. A GP practice never gets the event itself, only the status change it
 * caused (see gp-practice.ts).
 */
function fanOut<D extends AnyEventDefinition>(
  definition: D,
  options: WebhookHandlerOptions,
  upcasters: Upcaster<D>[] = [],
): EventHandler<Transaction> {
  const name = definition.name as WebhookEventName;
  const now = options.now ?? (() => new Date());
  return on<D, Transaction>(
    definition,
    async (data, { tx, event }) => {
      const concerned = recipientsOf(name, data as ConcernedData);
      const owners: Owner[] = concerned.teamIds.map((id) => ({ kind: 'team', id }));
      const at = now();
      await createDeliveries(tx, { owners, name, type: definition.type, event, data, now: at });
      if (concerned.referralRequestId) {
        await announceGpStatus(tx, {
          requestId: concerned.referralRequestId,
          name,
          data: data as RoutingFacts,
          cause: event,
          source: options.eventSource,
          now: at,
        });
      }
    },
    { upcasters },
  );
}

/**
 * The handlers of the webhook consumer group, a group of its own: a slow or
 * failing fan-out never holds up the team inbox, and the inbox of this group
 * makes a redelivered event add no second delivery.
 */
export function webhookHandlers(options: WebhookHandlerOptions): EventHandler<Transaction>[] {
  return [
    fanOut(RoutingDecidedV2, options, [routingDecidedV1ToV2]),
    fanOut(RoutingFailedV1, options),
    fanOut(ReferralAcceptedV1, options),
    fanOut(ReferralDeclinedV1, options),
    fanOut(ContactAttemptedV1, options),
    fanOut(ReferralClosedV1, options),
    fanOut(ReferralExpiredV1, options),
    fanOut(ReferralTransferredV1, options),
    fanOut(ReferralEscalatedV1, options),
  ];
}

import type { CloudEventAttributes } from '@vangnet/contracts/envelope';
import type { Transaction } from '../../db.ts';
import { announceGpStatus } from './gp-practice.ts';
import { type ConcernedData, recipientsOf, type WebhookEventName } from './recipients.ts';
import { createDeliveriesOfMany, type Owner } from './store.ts';

/** An event as its webhooks deliver it: the attributes and data it has on Kafka. */
export interface WebhookEvent {
  name: WebhookEventName;
  /** The CloudEvents type delivered: the version the data now has (an upcast event goes out as the current one). */
  type: string;
  attributes: Pick<CloudEventAttributes, 'id' | 'source' | 'subject' | 'time'>;
  data: ConcernedData;
}

export interface FanOutOptions {
  /** CloudEvents source of the event this service makes up for practices (GpReferralStatusChanged). */
  gpStatusSource: string;
}

/**
 * Writes the webhook deliveries an event causes, in the transaction that
 * makes the state change behind it: a lifecycle action with its outbox
 * message, or the consumer applying a routing event. So a delivery exists
 * exactly when the change committed, with no broker round trip and no
 * window in between. Every concerned team subscription gets the event
 * itself; the practice of a GP request only the status change it caused,
 * read from the state this transaction has just written.
 */
export async function fanOut(tx: Transaction, event: WebhookEvent, options: FanOutOptions): Promise<void> {
  await fanOutMany(tx, [event], options);
}

/** fanOut for several events (a run of routing decisions), the team deliveries of all in one insert. */
export async function fanOutMany(
  tx: Transaction,
  events: readonly WebhookEvent[],
  options: FanOutOptions,
): Promise<void> {
  // The dispatcher schedules by the wall clock, whatever clock the lifecycle runs on (tests move theirs).
  const now = new Date();
  const concerned = events.map((event) => ({ event, ...recipientsOf(event.name, event.data) }));
  await createDeliveriesOfMany(
    tx,
    concerned.map(({ event, teamIds }) => ({
      owners: teamIds.map((id): Owner => ({ kind: 'team', id })),
      name: event.name,
      type: event.type,
      event: event.attributes,
      data: event.data,
      now,
    })),
  );
  for (const { event, referralRequestId } of concerned) {
    if (!referralRequestId) continue;
    await announceGpStatus(tx, {
      requestId: referralRequestId,
      cause: event.attributes,
      source: options.gpStatusSource,
      now,
    });
  }
}

import { randomUUID } from 'node:crypto';
import type { CloudEventAttributes } from '@vangnet/contracts/envelope';
import type { PrismaClient, Transaction } from '../../db.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { RETRY_WINDOW_MS, redelivery } from './backoff.ts';
import type { WebhookEventName } from './recipients.ts';

/** The channel a new delivery is announced on; the dispatcher LISTENs on it. */
export const WEBHOOK_NOTIFY_CHANNEL = 'webhook_delivery';

export interface Owner {
  kind: 'team' | 'gp';
  id: string;
}

/** At most this many subscriptions per team or practice: each is an endpoint every event is sent to. */
export const MAX_SUBSCRIPTIONS_PER_OWNER = 10;

export async function createSubscription(
  prisma: PrismaClient,
  owner: Owner,
  input: { url: string; eventTypes: WebhookEventName[]; secret: string },
) {
  return prisma.$transaction(async (tx) => {
    // Serialises one owner's creations so two requests cannot both pass the limit.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7362, hashtext(${`${owner.kind}:${owner.id}`}))`;
    const count = await tx.webhookSubscription.count({ where: { ownerKind: owner.kind, ownerId: owner.id } });
    if (count >= MAX_SUBSCRIPTIONS_PER_OWNER) return 'limit' as const;
    return tx.webhookSubscription.create({
      data: { id: randomUUID(), ownerKind: owner.kind, ownerId: owner.id, ...input },
    });
  });
}

export const listSubscriptions = (prisma: PrismaClient, owner: Owner) =>
  prisma.webhookSubscription.findMany({
    where: { ownerKind: owner.kind, ownerId: owner.id },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });

/** The owner's subscription, or null: another organisation's subscription does not exist for the caller. */
export const findSubscription = (prisma: PrismaClient, owner: Owner, id: string) =>
  prisma.webhookSubscription.findFirst({ where: { id, ownerKind: owner.kind, ownerId: owner.id } });

export async function deleteSubscription(prisma: PrismaClient, owner: Owner, id: string): Promise<boolean> {
  const { count } = await prisma.webhookSubscription.deleteMany({
    where: { id, ownerKind: owner.kind, ownerId: owner.id },
  });
  return count > 0;
}

/** Attempts shown per delivery in the log: the most recent ones. */
export const ATTEMPTS_SHOWN = 20;

/** Where a page of the delivery log ends: the last delivery's creation time and id (keyset, stable under inserts). */
export interface DeliveryCursor {
  createdAt: Date;
  id: string;
}

export const encodeCursor = (cursor: DeliveryCursor): string =>
  Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');

/** The cursor, or undefined when the text is not one of ours. */
export function decodeCursor(text: string): DeliveryCursor | undefined {
  const [time, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  if (rest.length > 0 || Number.isNaN(createdAt.getTime()) || !id || !uuid.test(id)) return undefined;
  return { createdAt, id };
}

export const listDeliveries = (
  prisma: PrismaClient,
  subscriptionId: string,
  options: { limit: number; status?: string | undefined; after?: DeliveryCursor | undefined },
) =>
  prisma.webhookDelivery.findMany({
    where: {
      subscriptionId,
      ...(options.status ? { status: options.status } : {}),
      ...(options.after
        ? {
            OR: [
              { createdAt: { lt: options.after.createdAt } },
              { createdAt: options.after.createdAt, id: { lt: options.after.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: options.limit,
    include: { attempts: { orderBy: { attemptedAt: 'desc' }, take: ATTEMPTS_SHOWN } },
  });

export const findDelivery = (prisma: PrismaClient, owner: Owner, id: string) =>
  prisma.webhookDelivery.findFirst({
    where: { id, subscription: { ownerKind: owner.kind, ownerId: owner.id } },
    include: { attempts: { orderBy: { attemptedAt: 'desc' }, take: ATTEMPTS_SHOWN } },
  });

/**
 * Sends the delivery again now, with a fresh 24-hour window and the attempt
 * count from zero, whatever its state: a receiver that lost an event, or was
 * down longer than the window, asks for it again. The attempts before stay
 * in the log. The NOTIFY wakes a dispatcher when the change commits.
 */
export async function scheduleRedelivery(
  prisma: PrismaClient,
  owner: Owner,
  id: string,
  now: Date,
): Promise<'scheduled' | 'not_found' | 'retired'> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id, subscription: { ownerKind: owner.kind, ownerId: owner.id, retiredAt: null } },
      data: redelivery(now),
    });
    if (count === 0) {
      const retired = await tx.webhookDelivery.count({
        where: { id, subscription: { ownerKind: owner.kind, ownerId: owner.id, retiredAt: { not: null } } },
      });
      return retired > 0 ? 'retired' : 'not_found';
    }
    await tx.$executeRaw`SELECT pg_notify(${WEBHOOK_NOTIFY_CHANNEL}, '')`;
    return 'scheduled';
  });
}

/**
 * One pending delivery per subscription of the concerned owners that wants
 * this event, in the consumer's transaction: the deliveries commit with the
 * inbox entry, so an event is either fully fanned out or not taken at all.
 */
export async function createDeliveries(
  tx: Transaction,
  input: {
    owners: Owner[];
    name: WebhookEventName;
    type: string;
    event: Pick<CloudEventAttributes, 'id' | 'source' | 'subject' | 'time'>;
    data: unknown;
    now: Date;
  },
): Promise<number> {
  return createDeliveriesOfMany(tx, [input]);
}

/**
 * createDeliveries for several events in two statements: the subscriptions
 * of all their owners, then every delivery (a run of routing decisions
 * applied at once).
 */
export async function createDeliveriesOfMany(
  tx: Transaction,
  inputs: readonly Parameters<typeof createDeliveries>[1][],
): Promise<number> {
  const owners = inputs.flatMap((input) => input.owners);
  if (owners.length === 0) return 0;
  const subscriptions = await tx.webhookSubscription.findMany({
    // A retired subscription's endpoint said it is gone: nothing more is queued for it.
    where: { retiredAt: null, OR: owners.map((owner) => ({ ownerKind: owner.kind, ownerId: owner.id })) },
    select: { id: true, ownerKind: true, ownerId: true, eventTypes: true },
  });
  if (subscriptions.length === 0) return 0;
  const data = inputs.flatMap((input) => {
    const mine = new Set(input.owners.map((owner) => `${owner.kind}:${owner.id}`));
    return subscriptions
      .filter(
        (subscription) =>
          mine.has(`${subscription.ownerKind}:${subscription.ownerId}`) &&
          (subscription.eventTypes.length === 0 || subscription.eventTypes.includes(input.name)),
      )
      .map((subscription) => ({
        id: randomUUID(),
        subscriptionId: subscription.id,
        eventId: input.event.id,
        eventType: input.type,
        eventSource: input.event.source,
        eventSubject: input.event.subject ?? null,
        eventTime: input.event.time,
        data: input.data as Prisma.InputJsonValue,
        status: 'pending',
        nextAttemptAt: input.now,
        retryUntil: new Date(input.now.getTime() + RETRY_WINDOW_MS),
      }));
  });
  if (data.length === 0) return 0;
  const { count } = await tx.webhookDelivery.createMany({ data, skipDuplicates: true });
  return count;
}

import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { checkEndpointUrl, ENDPOINT_URL_PATTERN, MAX_URL_LENGTH } from './endpoint-url.ts';
import { eventNamesFor, webhookEventNames } from './recipients.ts';
import { generateSecret } from './signature.ts';
import {
  createSubscription,
  decodeCursor,
  deleteSubscription,
  encodeCursor,
  findDelivery,
  findSubscription,
  listDeliveries,
  listSubscriptions,
  MAX_SUBSCRIPTIONS_PER_OWNER,
  type Owner,
  scheduleRedelivery,
} from './store.ts';

const EventName = z.enum(webhookEventNames);

const Subscription = z.object({
  id: z.uuid(),
  url: z.string(),
  eventTypes: z.array(EventName).describe('Events delivered; empty means every event that concerns you.'),
  createdAt: z.iso.datetime({ offset: true }),
  status: z
    .enum(['active', 'retired'])
    .describe(
      '`retired`: your endpoint answered 410 Gone, so nothing more is delivered (the deliveries waiting were marked failed). Delete the subscription and subscribe again to resume.',
    ),
  retiredAt: z.iso.datetime({ offset: true }).nullable(),
  retiredStatusCode: z.number().int().nullable().describe('The status code that retired it (410).'),
});

const CreatedSubscription = Subscription.extend({
  secret: z
    .string()
    .describe('Standard Webhooks signing secret (`whsec_` + base64). Shown only in this response: store it now.'),
});

const DeliveryStatus = z.enum(['pending', 'delivered', 'failed']);

const Attempt = z.object({
  attemptedAt: z.iso.datetime({ offset: true }),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  outcome: z
    .enum(['delivered', 'http_status', 'redirect_not_followed', 'timeout', 'connection_failed', 'endpoint_refused'])
    .describe('`endpoint_refused`: the host resolved to a private, loopback or other non-public address.'),
  responseSnippet: z
    .string()
    .nullable()
    .describe('Always null: your response body is not read or kept; the status code is what counts.'),
});

const Delivery = z.object({
  id: z.uuid().describe('The `webhook-id` header: the same on every attempt and redelivery.'),
  subscriptionId: z.uuid(),
  eventId: z.string(),
  eventType: z.string(),
  status: DeliveryStatus,
  attemptCount: z.number().int().describe('Attempts since the delivery was created or last redelivered.'),
  createdAt: z.iso.datetime({ offset: true }),
  lastAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  lastStatusCode: z.number().int().nullable(),
  nextAttemptAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .describe('When the next attempt is due (pending deliveries only).'),
  retryUntil: z.iso.datetime({ offset: true }),
  deliveredAt: z.iso.datetime({ offset: true }).nullable(),
  attempts: z.array(Attempt).describe('The most recent attempts, newest first (at most 20).'),
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);

type SubscriptionRow = {
  id: string;
  url: string;
  eventTypes: string[];
  createdAt: Date;
  retiredAt: Date | null;
  retiredStatusCode: number | null;
};
const subscriptionView = (row: SubscriptionRow): z.infer<typeof Subscription> => ({
  id: row.id,
  url: row.url,
  eventTypes: row.eventTypes as z.infer<typeof EventName>[],
  createdAt: row.createdAt.toISOString(),
  status: row.retiredAt ? 'retired' : 'active',
  retiredAt: iso(row.retiredAt),
  retiredStatusCode: row.retiredStatusCode,
});

type DeliveryRow = NonNullable<Awaited<ReturnType<typeof findDelivery>>>;
const deliveryView = (row: DeliveryRow): z.infer<typeof Delivery> => ({
  id: row.id,
  subscriptionId: row.subscriptionId,
  eventId: row.eventId,
  eventType: row.eventType,
  status: row.status as z.infer<typeof DeliveryStatus>,
  attemptCount: row.attemptCount,
  createdAt: row.createdAt.toISOString(),
  lastAttemptAt: iso(row.lastAttemptAt),
  lastStatusCode: row.lastStatusCode,
  nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
  retryUntil: row.retryUntil.toISOString(),
  deliveredAt: iso(row.deliveredAt),
  attempts: row.attempts.map((attempt) => ({
    attemptedAt: attempt.attemptedAt.toISOString(),
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode,
    outcome: attempt.outcome as z.infer<typeof Attempt>['outcome'],
    responseSnippet: attempt.responseSnippet,
  })),
});

/** A team token subscribes for its team, a GP token for its practice: never for anyone else. */
const ownerOf = (request: FastifyRequest): Owner => {
  const principal = principalOf(request);
  return { kind: principal.kind as Owner['kind'], id: principal.organisationId };
};

const notFound = (what: 'subscription' | 'delivery') =>
  new DomainError(
    what === 'subscription' ? 'WEBHOOK_SUBSCRIPTION_NOT_FOUND' : 'WEBHOOK_DELIVERY_NOT_FOUND',
    `no such webhook ${what} of yours`,
  );

const kinds = ['team', 'gp'] as const;
const tags = ['webhooks'];
const security = [{ bearer: [] }];
const IdParams = z.strictObject({ id: z.uuid() });

export const webhooksRoute: FastifyPluginAsyncZod<{
  prisma: PrismaClient;
  allowLocalHttp: boolean;
  now?: () => Date;
}> = async (app, { prisma, allowLocalHttp, now = () => new Date() }) => {
  const CreateSubscription = z.strictObject({
    url: z
      .string()
      .max(MAX_URL_LENGTH)
      // The form the checks below hold a URL to; plain http is for development only.
      .meta({ format: 'uri', pattern: ENDPOINT_URL_PATTERN })
      .superRefine((url, context) => {
        for (const issue of checkEndpointUrl(url, allowLocalHttp).form) {
          context.addIssue({ code: 'custom', message: `${issue.code}: ${issue.detail}` });
        }
      })
      .describe(
        'HTTPS endpoint that receives the events, without credentials or a fragment. A host that cannot be ' +
          'called or is not on the public internet is refused with 422 `WEBHOOK_URL_NOT_ALLOWED`.',
      ),
    eventTypes: z
      .array(EventName)
      .max(webhookEventNames.length)
      .optional()
      .describe(
        'Only these events; leave out for every event that concerns you. A GP practice receives only ' +
          'GpReferralStatusChanged (its referral’s status, with the patient’s consent for feedback); a team every other.',
      ),
  });

  app.post(
    '/v1/webhook-subscriptions',
    {
      onRequest: authenticate({ kinds, scope: scopes.referralsWrite }),
      // A URL and a few event names: anything bigger is a mistake or an attack.
      bodyLimit: 8 * 1024,
      schema: {
        summary: 'Register an endpoint for the events that concern your team or practice',
        description:
          'Each event is POSTed as a CloudEvent (application/cloudevents+json) signed with Standard Webhooks headers.',
        tags,
        security,
        body: CreateSubscription,
        response: { 201: CreatedSubscription },
      },
    },
    async (request, reply) => {
      const owner = ownerOf(request);
      const refused = checkEndpointUrl(request.body.url, allowLocalHttp).rules;
      if (refused.length > 0) {
        throw new DomainError(
          'WEBHOOK_URL_NOT_ALLOWED',
          'this deployment does not call that endpoint; see errors',
          refused.map((issue) => ({ in: 'body', pointer: '/url', code: issue.code, detail: issue.detail })),
        );
      }
      const eventTypes = [...new Set(request.body.eventTypes ?? [])];
      const available = eventNamesFor(owner.kind);
      const unavailable = (request.body.eventTypes ?? []).flatMap((name, index) =>
        available.includes(name) ? [] : [index],
      );
      if (unavailable.length > 0) {
        throw new DomainError(
          'WEBHOOK_EVENT_NOT_AVAILABLE',
          `a ${owner.kind === 'gp' ? 'GP practice' : 'team'} receives only ${available.join(', ')}`,
          unavailable.map((index) => ({
            in: 'body',
            pointer: `/eventTypes/${index}`,
            code: 'event_not_available',
            detail: 'not delivered to your organisation',
          })),
        );
      }
      const created = await createSubscription(prisma, owner, {
        url: request.body.url,
        eventTypes,
        secret: generateSecret(),
      });
      if (created === 'limit') {
        throw new DomainError(
          'WEBHOOK_SUBSCRIPTION_LIMIT',
          `at most ${MAX_SUBSCRIPTIONS_PER_OWNER} subscriptions; delete one first`,
        );
      }
      // The secret is in this response only: no cache may keep a copy.
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...subscriptionView(created), secret: created.secret });
    },
  );

  app.get(
    '/v1/webhook-subscriptions',
    {
      onRequest: authenticate({ kinds, scope: scopes.referralsRead }),
      schema: {
        summary: 'Your webhook subscriptions',
        tags,
        security,
        response: { 200: z.object({ items: z.array(Subscription) }) },
      },
    },
    async (request) => ({ items: (await listSubscriptions(prisma, ownerOf(request))).map(subscriptionView) }),
  );

  app.get(
    '/v1/webhook-subscriptions/:id',
    {
      onRequest: authenticate({ kinds, scope: scopes.referralsRead }),
      schema: {
        summary: 'One of your webhook subscriptions',
        tags,
        security,
        params: IdParams,
        response: { 200: Subscription },
      },
    },
    async (request) => {
      const subscription = await findSubscription(prisma, ownerOf(request), request.params.id);
      if (!subscription) throw notFound('subscription');
      return subscriptionView(subscription);
    },
  );

  app.delete(
    '/v1/webhook-subscriptions/:id',
    {
      onRequest: authenticate({ kinds, scope: scopes.referralsWrite }),
      schema: {
        summary: 'Delete a subscription; its pending deliveries are not sent',
        tags,
        security,
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      if (!(await deleteSubscription(prisma, ownerOf(request), request.params.id))) throw notFound('subscription');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/webhook-subscriptions/:id/deliveries',
    {
      onRequest: authenticate({ kinds, scope: scopes.referralsRead }),
      schema: {
        summary: 'Delivery log of a subscription, newest first',
        tags,
        security,
        params: IdParams,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(50),
          status: DeliveryStatus.optional(),
          cursor: z.string().max(200).optional().describe('`next` of the previous page.'),
        }),
        response: {
          200: z.object({
            items: z.array(Delivery),
            next: z.string().optional().describe('Pass as `cursor` for the next (older) page; absent on the last.'),
          }),
        },
      },
    },
    async (request) => {
      const subscription = await findSubscription(prisma, ownerOf(request), request.params.id);
      if (!subscription) throw notFound('subscription');
      const { limit, status, cursor } = request.query;
      const after = cursor ? decodeCursor(cursor) : undefined;
      if (cursor && !after) {
        throw new DomainError('INVALID_CURSOR', 'pass the `next` of the previous page unchanged', [
          { in: 'querystring', pointer: '/cursor', code: 'invalid_cursor', detail: 'not a cursor of this list' },
        ]);
      }
      // One more than asked tells whether another page exists.
      const deliveries = await listDeliveries(prisma, subscription.id, { limit: limit + 1, status, after });
      const page = deliveries.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(deliveryView),
        ...(deliveries.length > limit && last ? { next: encodeCursor(last) } : {}),
      };
    },
  );

  app.post(
    '/v1/webhook-deliveries/:id/redeliver',
    {
      onRequest: authenticate({ kinds, scope: scopes.referralsWrite }),
      schema: {
        summary: 'Send a delivery again now, with a fresh 24-hour retry window',
        tags,
        security,
        params: IdParams,
        response: { 202: Delivery },
      },
    },
    async (request, reply) => {
      const owner = ownerOf(request);
      const scheduled = await scheduleRedelivery(prisma, owner, request.params.id, now());
      if (scheduled === 'not_found') throw notFound('delivery');
      if (scheduled === 'retired') {
        throw new DomainError(
          'WEBHOOK_SUBSCRIPTION_RETIRED',
          'the endpoint answered 410 Gone and its subscription is retired; subscribe again to resume',
        );
      }
      const delivery = await findDelivery(prisma, owner, request.params.id);
      if (!delivery) throw notFound('delivery');
      return reply.code(202).send(deliveryView(delivery));
    },
  );
};

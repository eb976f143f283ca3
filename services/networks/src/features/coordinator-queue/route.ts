import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { adminAccess, assertMunicipality, assertNational, callerOf } from '../../http/access.ts';
import {
  AssignBody,
  AssignResponse,
  QueueEntryParams,
  QueueQuery,
  QueueResponse,
  UNASSIGNED_QUEUE,
} from '../../http/schemas.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { assignFromQueue, resolveEntry } from './store.ts';

export const coordinatorQueueRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient; eventSource: string }> = async (
  app,
  { prisma, eventSource },
) => {
  app.post(
    '/v1/coordinator-queue/:entryId/assign',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Give a waiting item to a team; publishes RoutingDecided (ruleId `coordinator`)',
        description:
          'For an item no team holds (no rule, no team left, a refused transfer). The team must be active and ' +
          "work in the item's municipality; it may be one that declined before or is at capacity. Every open " +
          'entry of the item is resolved.',
        tags: ['routing'],
        security: [{ bearer: [] }],
        params: QueueEntryParams,
        body: AssignBody,
        response: { 200: AssignResponse },
      },
    },
    async (request) =>
      prisma.$transaction((tx) =>
        assignFromQueue(
          tx,
          callerOf(request),
          { entryId: request.params.entryId, teamId: request.body.teamId },
          { source: eventSource, ...request.traceHeaders },
        ),
      ),
  );

  app.post(
    '/v1/coordinator-queue/:entryId/resolve',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Mark an entry dealt with (an escalation followed up outside Vangnet)',
        tags: ['routing'],
        security: [{ bearer: [] }],
        params: QueueEntryParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await prisma.$transaction((tx) => resolveEntry(tx, callerOf(request), request.params.entryId, new Date()));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/coordinator-queue',
    {
      onRequest: adminAccess,
      schema: {
        summary:
          'Items waiting for the coordinator (unplaceable, no team left, escalated, refused transfer), oldest first, ' +
          'a page at a time',
        description:
          'An address the postcode map does not know is queued for the municipality the sending partner is ' +
          'registered for; when that is none or several, in the `unassigned` queue, which admins list with ' +
          '`?municipality=unassigned`.',
        tags: ['routing'],
        security: [{ bearer: [] }],
        querystring: QueueQuery,
        response: { 200: QueueResponse },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const asked = request.query.municipality ?? caller.municipalityCode;
      if (!asked) {
        throw new DomainError(
          'MUNICIPALITY_REQUIRED',
          `name the municipality with ?municipality=GM...., or ?municipality=${UNASSIGNED_QUEUE}`,
        );
      }
      // The unassigned queue belongs to no municipality: only an admin works it.
      if (asked === UNASSIGNED_QUEUE) assertNational(caller);
      else assertMunicipality(caller, asked);
      const municipalityCode = asked === UNASSIGNED_QUEUE ? null : asked;
      const { limit, cursor } = request.query;
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await prisma.coordinatorQueueItem.findMany({
        where: {
          municipalityCode,
          resolvedAt: null,
          ...(after
            ? {
                OR: [{ queuedAt: { gt: after.queuedAt } }, { queuedAt: after.queuedAt, id: { gt: after.id } }],
              }
            : {}),
        },
        orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        ...(rows.length > limit && last ? { next: encodeCursor(last) } : {}),
        items: page.map((row) => ({
          id: row.id,
          municipalityCode: row.municipalityCode,
          item: { kind: row.itemKind as 'case' | 'signal' | 'referral_request', id: row.itemId },
          referralId: row.referralId,
          reason: row.reason,
          explanation: row.explanation,
          queuedAt: row.queuedAt.toISOString(),
        })),
      };
    },
  );
};

import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { DomainError } from '@vangnet/platform/problem';
import type { PrismaClient } from '../../db.ts';
import { adminAccess, assertMunicipality, callerOf } from '../../http/access.ts';
import { QueueQuery, QueueResponse } from '../../http/schemas.ts';

export const coordinatorQueueRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/coordinator-queue',
    {
      onRequest: adminAccess,
      schema: {
        summary:
          'Items waiting for the coordinator (unplaceable, no team left, escalated, refused transfer), oldest first',
        tags: ['routing'],
        security: [{ bearer: [] }],
        querystring: QueueQuery,
        response: { 200: QueueResponse },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const municipalityCode = request.query.municipality ?? caller.municipalityCode;
      if (!municipalityCode) {
        throw new DomainError('MUNICIPALITY_REQUIRED', 'name the municipality with ?municipality=GM....');
      }
      assertMunicipality(caller, municipalityCode);
      const rows = await prisma.coordinatorQueueItem.findMany({
        where: { municipalityCode, resolvedAt: null },
        orderBy: { queuedAt: 'asc' },
        take: 1000,
      });
      return {
        items: rows.map((row) => ({
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

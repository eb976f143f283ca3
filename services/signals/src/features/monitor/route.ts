import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { ProblemError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { Period, periodBounds } from './period.ts';

const MonitorReport = z.object({
  municipality: z.string(),
  period: z.string(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  rows: z.array(
    z.object({
      partnerKind: z.string(),
      signalType: z.string(),
      status: z.string(),
      closingResult: z.string().nullable(),
      count: z.number().int(),
    }),
  ),
});

export const monitorRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/monitor',
    {
      onRequest: authenticate({ kinds: ['coordinator', 'admin'], scope: scopes.signalsRead }),
      schema: {
        summary: 'The anonymous period report for the national monitor (DDAS)',
        description:
          'Counts of signals received in the period per partner type, signal type, status and closing result. ' +
          'No ids, addresses or people. One deployment serves one municipality; a coordinator may ask only ' +
          'for its own.',
        tags: ['monitor'],
        security: [{ bearer: [] }],
        querystring: z.strictObject({ municipality: z.string().regex(/^GM\d{4}$/), period: Period }),
        response: { 200: MonitorReport },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { municipality, period } = request.query;
      if (principal.kind === 'coordinator' && principal.municipalityCode !== municipality) {
        throw new ProblemError({
          status: 403,
          code: 'FORBIDDEN_MUNICIPALITY',
          title: 'This report belongs to another municipality',
        });
      }
      const { from, to } = periodBounds(period);
      const groups = await prisma.signal.groupBy({
        by: ['partnerKind', 'type', 'status', 'closingResult'],
        where: { receivedAt: { gte: from, lt: to } },
        _count: { _all: true },
        orderBy: [{ partnerKind: 'asc' }, { type: 'asc' }, { status: 'asc' }, { closingResult: 'asc' }],
      });
      return {
        municipality,
        period,
        from: from.toISOString(),
        to: to.toISOString(),
        rows: groups.map((group) => ({
          partnerKind: group.partnerKind,
          signalType: group.type,
          status: group.status,
          closingResult: group.closingResult,
          count: group._count._all,
        })),
      };
    },
  );
};

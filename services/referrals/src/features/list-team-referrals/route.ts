import { ReferralList } from '@vangnet/contracts/http/referrals';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';

export const listTeamReferralsRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/teams/:teamId/referrals',
    {
      onRequest: authenticate({ kinds: ['team', 'coordinator', 'admin'], scope: scopes.referralsRead }),
      schema: {
        summary: "A team's referrals, newest first",
        tags: ['team inbox'],
        security: [{ bearer: [] }],
        params: z.strictObject({ teamId: z.uuid() }),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: ReferralList },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      // A team token speaks for one team. Coordinators will be limited to their
      // municipality once referrals keeps a read model of teams (networks issue).
      if (principal.kind === 'team' && principal.organisationId !== request.params.teamId) {
        throw new DomainError('TEAM_NOT_YOURS', 'your token is for another team');
      }
      const referrals = await prisma.referral.findMany({
        where: { teamId: request.params.teamId },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: request.query.limit,
      });
      return {
        items: referrals.map((referral) => ({
          id: referral.id,
          teamId: referral.teamId,
          item: { kind: referral.itemKind as 'signal' | 'case' | 'referral_request', id: referral.itemId },
          status: 'routed' as const,
          deadline: referral.deadline.toISOString().slice(0, 10),
          explanation: referral.explanation,
          createdAt: referral.createdAt.toISOString(),
        })),
      };
    },
  );
};

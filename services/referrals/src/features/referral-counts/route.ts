import { MunicipalityCode, NeighbourhoodCode } from '@vangnet/contracts/codes';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { amsterdamMonthBounds, calendarMonthPattern } from '@vangnet/platform/months';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';

const Month = z.string().regex(calendarMonthPattern, 'expected a month as YYYY-MM');

const ReferralCounts = z.object({
  municipalityCode: MunicipalityCode,
  month: Month,
  /** Items that reached a team of the municipality for the first time in the month, and how many of them were reached. */
  neighbourhoods: z.array(
    z.object({
      neighbourhoodCode: NeighbourhoodCode.nullable(),
      items: z.number().int(),
      reached: z.number().int(),
      openNow: z.number().int(),
    }),
  ),
  /** Referrals each team holds now (routed, accepted or in progress). */
  teams: z.array(z.object({ teamId: z.uuid(), openNow: z.number().int() })),
});

/**
 * Counts for the coordinator's neighbourhood view: no ids, no people. Reach
 * is the DDAS sense: an item counts as reached once a team recorded a first
 * contact attempt on any of its referrals.
 */
export const referralCountsRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/municipalities/:municipalityCode/referral-counts',
    {
      onRequest: authenticate({ kinds: ['coordinator', 'admin'], scope: scopes.referralsRead }),
      schema: {
        summary: 'Per neighbourhood and month: items taken in, reached, open now; per team: open now',
        tags: ['monitor'],
        security: [{ bearer: [] }],
        params: z.strictObject({ municipalityCode: MunicipalityCode }),
        querystring: z.strictObject({ month: Month }),
        response: { 200: ReferralCounts },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { municipalityCode } = request.params;
      if (principal.kind === 'coordinator' && principal.municipalityCode !== municipalityCode) {
        throw new DomainError('NOT_YOUR_MUNICIPALITY', `this token does not work for ${municipalityCode}`);
      }
      const { from, to } = amsterdamMonthBounds(request.query.month);
      const [neighbourhoods, teams] = await Promise.all([
        prisma.$queryRaw<{ neighbourhood_code: string | null; items: number; reached: number; open_now: number }[]>`
          WITH mine AS (
            SELECT r.* FROM referral r JOIN team t ON t.id = r.team_id WHERE t.municipality_code = ${municipalityCode}
          ), items AS (
            SELECT item_kind, item_id, min(created_at) AS first_at,
                   (array_agg(neighbourhood_code ORDER BY created_at))[1] AS neighbourhood_code,
                   bool_or(first_contact_at IS NOT NULL) AS reached
            FROM mine GROUP BY item_kind, item_id
          ), taken AS (
            -- '' stands for "no neighbourhood known": a FULL JOIN needs an equality, and NULL equals nothing.
            SELECT coalesce(neighbourhood_code, '') AS area, count(*)::int AS items,
                   count(*) FILTER (WHERE reached)::int AS reached
            FROM items WHERE first_at >= ${from} AND first_at < ${to} GROUP BY 1
          ), open AS (
            SELECT coalesce(neighbourhood_code, '') AS area, count(*)::int AS open_now FROM mine
            WHERE status IN ('routed', 'accepted', 'in_progress') GROUP BY 1
          )
          SELECT nullif(coalesce(taken.area, open.area), '') AS neighbourhood_code,
                 coalesce(taken.items, 0) AS items, coalesce(taken.reached, 0) AS reached,
                 coalesce(open.open_now, 0) AS open_now
          FROM taken FULL JOIN open ON taken.area = open.area
          ORDER BY 1`,
        prisma.$queryRaw<{ team_id: string; open_now: number }[]>`
          SELECT t.id AS team_id, count(r.id)::int AS open_now FROM team t
          LEFT JOIN referral r ON r.team_id = t.id AND r.status IN ('routed', 'accepted', 'in_progress')
          WHERE t.municipality_code = ${municipalityCode} GROUP BY t.id ORDER BY t.id`,
      ]);
      return {
        municipalityCode,
        month: request.query.month,
        neighbourhoods: neighbourhoods.map((row) => ({
          neighbourhoodCode: row.neighbourhood_code,
          items: row.items,
          reached: row.reached,
          openNow: row.open_now,
        })),
        teams: teams.map((row) => ({ teamId: row.team_id, openNow: row.open_now })),
      };
    },
  );
};

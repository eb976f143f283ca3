import { MunicipalityCode, NeighbourhoodCode, TeamSpecialism } from '@vangnet/contracts/codes';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate } from '@vangnet/platform/auth';
import { amsterdamMonthBounds, calendarMonthPattern } from '@vangnet/platform/months';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { assertMunicipality, callerOf } from '../../http/access.ts';

const security = [{ bearer: [] }];
const Params = z.strictObject({ municipalityCode: MunicipalityCode });
// A team sees its municipality's teams (to transfer to one); a coordinator also the counts.
const teamReaders = authenticate({ kinds: ['team', 'coordinator', 'admin'], scope: scopes.networksRead });
const countReaders = authenticate({ kinds: ['coordinator', 'admin'], scope: scopes.networksRead });

const TeamList = z.object({
  /** The municipality's neighbourhoods (public CBS names), so a team can name the ones its teams cover. */
  neighbourhoods: z.array(z.object({ code: NeighbourhoodCode, name: z.string() })),
  items: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      specialisms: z.array(TeamSpecialism),
      neighbourhoodCodes: z.array(NeighbourhoodCode),
      capacity: z.number().int(),
      openAssignments: z.number().int(),
      active: z.boolean(),
    }),
  ),
});

const Month = z.string().regex(calendarMonthPattern, 'expected a month as YYYY-MM');

const RoutingCounts = z.object({
  municipalityCode: MunicipalityCode,
  month: Month,
  neighbourhoods: z.array(z.object({ code: NeighbourhoodCode, name: z.string() })),
  rows: z.array(
    z.object({
      neighbourhoodCode: NeighbourhoodCode.nullable(),
      signalKind: z.string(),
      count: z.number().int(),
    }),
  ),
});

export const municipalityOverviewRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/municipalities/:municipalityCode/teams',
    {
      onRequest: teamReaders,
      schema: {
        summary: "A municipality's teams with their capacity and open assignments",
        tags: ['teams'],
        security,
        params: Params,
        response: { 200: TeamList },
      },
    },
    async (request) => {
      assertMunicipality(callerOf(request), request.params.municipalityCode);
      const { municipalityCode } = request.params;
      const [teams, neighbourhoods] = await Promise.all([
        prisma.team.findMany({
          where: { municipalityCode },
          include: { neighbourhoods: true },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
        prisma.neighbourhood.findMany({ where: { municipalityCode }, orderBy: { code: 'asc' } }),
      ]);
      return {
        neighbourhoods: neighbourhoods.map(({ code, name }) => ({ code, name })),
        items: teams.map((team) => ({
          id: team.id,
          name: team.name,
          specialisms: team.specialisms as TeamSpecialism[],
          neighbourhoodCodes: team.neighbourhoods.map((row) => row.neighbourhoodCode).sort(),
          capacity: team.capacity,
          openAssignments: team.openAssignments,
          active: team.active,
        })),
      };
    },
  );

  app.get(
    '/v1/municipalities/:municipalityCode/routing-counts',
    {
      onRequest: countReaders,
      schema: {
        summary: 'Items first routed in a month, counted per neighbourhood and signal kind',
        description:
          'Counts only: no ids, addresses or people. An item counts once, in the month of its first routing ' +
          '(decided or failed), under the kind of the signal that opened it; the neighbourhood is the one the ' +
          'postcode map gave (null when none).',
        tags: ['routing'],
        security,
        params: Params,
        querystring: z.strictObject({ month: Month }),
        response: { 200: RoutingCounts },
      },
    },
    async (request) => {
      const { municipalityCode } = request.params;
      assertMunicipality(callerOf(request), municipalityCode);
      const { from, to } = amsterdamMonthBounds(request.query.month);
      const [neighbourhoods, rows] = await Promise.all([
        prisma.neighbourhood.findMany({ where: { municipalityCode }, orderBy: { code: 'asc' } }),
        prisma.$queryRaw<{ neighbourhood_code: string | null; signal_kind: string; count: number }[]>`
          SELECT d.neighbourhood_code, coalesce(i.facts->>'kind', d.item_kind) AS signal_kind, count(*)::int AS count
          FROM routing_decision d
          LEFT JOIN routed_item i ON i.item_kind = d.item_kind AND i.item_id = d.item_id
          WHERE d.municipality_code = ${municipalityCode} AND d.attempt = 1
            AND d.decided_at >= ${from} AND d.decided_at < ${to}
          GROUP BY 1, 2 ORDER BY 1, 2`,
      ]);
      return {
        municipalityCode,
        month: request.query.month,
        neighbourhoods: neighbourhoods.map(({ code, name }) => ({ code, name })),
        rows: rows.map((row) => ({
          neighbourhoodCode: row.neighbourhood_code,
          signalKind: row.signal_kind,
          count: row.count,
        })),
      };
    },
  );
};

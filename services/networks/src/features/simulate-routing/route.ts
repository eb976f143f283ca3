import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import type { PrismaClient, Transaction } from '../../db.ts';
import { adminAccess, assertMunicipality, callerOf } from '../../http/access.ts';
import { SimulateRequest, SimulateResponse } from '../../http/schemas.ts';
import { loadHolidayCalendar } from '../public-holidays/store.ts';
import { decideRouting } from '../route-item/decide.ts';
import { candidateRules, findNeighbourhood, loadRules, loadTeams } from '../route-item/load.ts';

export const simulateRoutingRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.post(
    '/v1/routing/simulate',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Which rule and team would get this item, and why; changes nothing',
        tags: ['routing'],
        security: [{ bearer: [] }],
        body: SimulateRequest,
        response: { 200: SimulateResponse },
      },
    },
    async (request) => {
      const body = request.body;
      // Reads only: the same loaders as the router, without its row locks or writes.
      const db = prisma as unknown as Transaction;
      const neighbourhood = await findNeighbourhood(db, body.postcode, body.houseNumber);
      if (neighbourhood) assertMunicipality(callerOf(request), neighbourhood.municipalityCode);
      const rules = neighbourhood ? await loadRules(db, neighbourhood.municipalityCode) : [];
      const facts = {
        item: { kind: 'case' as const, id: randomUUID() },
        kind: body.kind,
        urgency: body.urgency,
        ...(body.concernCodes ? { concernCodes: body.concernCodes } : {}),
        ...(body.ageBand ? { ageBand: body.ageBand } : {}),
        ...(body.amountBand ? { amountBand: body.amountBand } : {}),
      };
      const candidates = candidateRules(rules, facts, neighbourhood);
      const teams = await loadTeams(db, candidates);
      const now = new Date();
      const holidays = await loadHolidayCalendar(db, now);
      const outcome = decideRouting({
        facts,
        neighbourhood,
        rules: candidates,
        teams,
        round: { attempt: body.excludedTeamIds.length + 1, excludedTeamIds: body.excludedTeamIds },
        now,
        holidays,
      });
      const decided = outcome.outcome === 'decided' ? outcome : undefined;
      return {
        outcome: outcome.outcome,
        neighbourhoodCode: neighbourhood?.code ?? null,
        teamId: decided?.teamId ?? null,
        ruleId: decided?.ruleId ?? null,
        informTeamIds: decided?.informTeamIds ?? [],
        deadline: decided?.deadline ?? null,
        escalation: decided?.escalation ?? null,
        reason: outcome.outcome === 'failed' ? outcome.reason : null,
        passedOver: outcome.passedOver,
        explanation: outcome.explanation,
      };
    },
  );
};

import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import type { PrismaClient } from '../../db.ts';
import { adminAccess, assertMunicipality, callerOf } from '../../http/access.ts';
import { MunicipalityParams, RuleList, RuleListResponse } from '../../http/schemas.ts';
import type { RuleMatch } from '../route-item/decide.ts';
import { replaceRules } from './store.ts';

const security = [{ bearer: [] }];

async function listRules(prisma: PrismaClient, municipalityCode: string) {
  const rows = await prisma.routingRule.findMany({ where: { municipalityCode }, orderBy: { position: 'asc' } });
  return {
    rules: rows.map((row) => ({
      id: row.id,
      enabled: row.enabled,
      disabledReason: row.disabledReason,
      match: row.match as RuleMatch,
      teamId: row.teamId,
      informTeamIds: row.informTeamIds,
      deadlineWorkingDays: row.deadlineWorkingDays,
      ...(row.deadlineMinutes === null ? {} : { deadlineMinutes: row.deadlineMinutes }),
    })),
  };
}

export const manageRulesRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/municipalities/:municipalityCode/routing-rules',
    {
      onRequest: adminAccess,
      schema: {
        summary: "The municipality's routing rules in order, switched-off ones with their reason",
        tags: ['routing'],
        security,
        params: MunicipalityParams,
        response: { 200: RuleListResponse },
      },
    },
    async (request) => {
      assertMunicipality(callerOf(request), request.params.municipalityCode);
      return listRules(prisma, request.params.municipalityCode);
    },
  );

  app.put(
    '/v1/municipalities/:municipalityCode/routing-rules',
    {
      onRequest: adminAccess,
      schema: {
        summary: "Replace the municipality's ordered routing rules as a whole",
        description:
          'The first rule whose conditions all hold, and whose team is active and below capacity, decides. ' +
          'Refused (422, nothing changed) when a rule names an unknown or inactive team or an unknown area; ' +
          'every problem is listed with a pointer into the body.',
        tags: ['routing'],
        security,
        params: MunicipalityParams,
        body: RuleList,
        response: { 200: RuleListResponse },
      },
    },
    async (request) => {
      const code = request.params.municipalityCode;
      assertMunicipality(callerOf(request), code);
      await prisma.$transaction((tx) => replaceRules(tx, code, request.body.rules));
      return listRules(prisma, code);
    },
  );
};

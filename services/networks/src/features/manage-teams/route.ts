import { randomUUID } from 'node:crypto';
import type { TeamSpecialism } from '@vangnet/contracts/codes';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { adminAccess, assertMunicipality, callerOf } from '../../http/access.ts';
import { TeamBody, TeamResponse, TeamSaved } from '../../http/schemas.ts';
import { saveTeam } from './store.ts';

const security = [{ bearer: [] }];
const TeamParams = z.strictObject({ teamId: z.uuid() });

async function teamResponse(prisma: PrismaClient, teamId: string): Promise<z.infer<typeof TeamResponse>> {
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, include: { neighbourhoods: true } });
  return {
    id: team.id,
    municipalityCode: team.municipalityCode,
    name: team.name,
    specialisms: team.specialisms as TeamSpecialism[],
    neighbourhoodCodes: team.neighbourhoods.map((row) => row.neighbourhoodCode).sort(),
    capacity: team.capacity,
    openAssignments: team.openAssignments,
    active: team.active,
    contact: team.contact,
    webhookUrl: team.webhookUrl,
    revision: team.revision,
  };
}

export const manageTeamsRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient; eventSource: string }> = async (
  app,
  { prisma, eventSource },
) => {
  const save = async (teamId: string, body: TeamBody, traceHeaders: object) => {
    const { disabledRules } = await prisma.$transaction((tx) =>
      saveTeam(tx, { id: teamId, ...body }, { source: eventSource, ...traceHeaders }),
    );
    return { team: await teamResponse(prisma, teamId), disabledRules };
  };

  app.post(
    '/v1/teams',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Create a team; publishes TeamChanged',
        tags: ['teams'],
        security,
        body: TeamBody,
        response: { 201: TeamSaved },
      },
    },
    async (request, reply) => {
      assertMunicipality(callerOf(request), request.body.municipalityCode);
      const saved = await save(randomUUID(), request.body, request.traceHeaders);
      return reply.code(201).header('location', `/v1/teams/${saved.team.id}`).send(saved);
    },
  );

  app.put(
    '/v1/teams/:teamId',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Change a team (the whole state); publishes TeamChanged',
        description:
          'Setting `active: false` deactivates the team: every rule assigning to it is switched off and ' +
          'listed in `disabledRules` with the reason, never silently skipped.',
        tags: ['teams'],
        security,
        params: TeamParams,
        body: TeamBody,
        response: { 200: TeamSaved },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const existing = await prisma.team.findUnique({ where: { id: request.params.teamId } });
      // Another municipality's team is "not found" to a coordinator: it is not theirs to know.
      if (!existing || (caller.kind !== 'admin' && existing.municipalityCode !== caller.municipalityCode)) {
        throw new DomainError('TEAM_NOT_FOUND', `no team ${request.params.teamId}`);
      }
      assertMunicipality(caller, request.body.municipalityCode);
      return save(request.params.teamId, request.body, request.traceHeaders);
    },
  );

  app.get(
    '/v1/teams/:teamId',
    {
      onRequest: adminAccess,
      schema: { summary: 'One team', tags: ['teams'], security, params: TeamParams, response: { 200: TeamResponse } },
    },
    async (request) => {
      const caller = callerOf(request);
      const team = await prisma.team.findUnique({ where: { id: request.params.teamId } });
      if (!team || (caller.kind !== 'admin' && team.municipalityCode !== caller.municipalityCode)) {
        throw new DomainError('TEAM_NOT_FOUND', `no team ${request.params.teamId}`);
      }
      return teamResponse(prisma, team.id);
    },
  );
};

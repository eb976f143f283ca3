import type { SignalKind } from '@vangnet/contracts/codes';
import type { PartnerKind } from '@vangnet/contracts/networks';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { DomainError } from '@vangnet/platform/problem';
import type { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import type { Partner } from '../../generated/prisma/client.ts';
import { adminAccess, assertMunicipality, callerOf } from '../../http/access.ts';
import {
  PartnerBody,
  PartnerListQuery,
  PartnerListResponse,
  PartnerParams,
  PartnerResponse,
} from '../../http/schemas.ts';
import { mayReadPartner } from './decide.ts';
import { savePartner } from './store.ts';

const security = [{ bearer: [] }];

const partnerResponse = (row: Partner): z.infer<typeof PartnerResponse> => ({
  partnerId: row.id,
  kind: row.kind as PartnerKind,
  oin: row.oin,
  kvk: row.kvk,
  municipalityCodes: row.municipalityCodes,
  signalKinds: row.signalKinds as SignalKind[],
  active: row.active,
  revision: row.revision,
});

export const managePartnersRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient; eventSource: string }> = async (
  app,
  { prisma, eventSource },
) => {
  app.put(
    '/v1/partners/:partnerId',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Create or change a partner organisation (the whole state); publishes PartnerChanged',
        description:
          '`partnerId` is the `org` claim of the partner’s tokens. Exactly one of `oin` (20 digits) or `kvk` ' +
          '(8 digits). A coordinator writes partners of its own municipality only; a partner in several ' +
          "municipalities' networks is written by an admin. `active: false` takes the partner out of the network.",
        tags: ['partners'],
        security,
        params: PartnerParams,
        body: PartnerBody,
        response: { 200: PartnerResponse, 201: PartnerResponse },
      },
    },
    async (request, reply) => {
      const { created } = await prisma.$transaction((tx) =>
        savePartner(
          tx,
          callerOf(request),
          { partnerId: request.params.partnerId, ...request.body },
          { source: eventSource, ...request.traceHeaders },
        ),
      );
      const row = await prisma.partner.findUniqueOrThrow({ where: { id: request.params.partnerId } });
      return reply.code(created ? 201 : 200).send(partnerResponse(row));
    },
  );

  app.get(
    '/v1/partners/:partnerId',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'One partner organisation',
        tags: ['partners'],
        security,
        params: PartnerParams,
        response: { 200: PartnerResponse },
      },
    },
    async (request) => {
      const row = await prisma.partner.findUnique({ where: { id: request.params.partnerId } });
      if (!row || !mayReadPartner(callerOf(request), { partnerId: row.id, ...row })) {
        throw new DomainError('PARTNER_NOT_FOUND', `no partner ${request.params.partnerId}`);
      }
      return partnerResponse(row);
    },
  );

  app.get(
    '/v1/partners',
    {
      onRequest: adminAccess,
      schema: {
        summary: "The partner organisations in a municipality's network",
        tags: ['partners'],
        security,
        querystring: PartnerListQuery,
        response: { 200: PartnerListResponse },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const municipalityCode = request.query.municipality ?? caller.municipalityCode;
      if (!municipalityCode) {
        throw new DomainError('MUNICIPALITY_REQUIRED', 'name the municipality with ?municipality=GM....');
      }
      assertMunicipality(caller, municipalityCode);
      const rows = await prisma.partner.findMany({
        where: { municipalityCodes: { has: municipalityCode } },
        orderBy: { id: 'asc' },
        take: 1000,
      });
      return { partners: rows.map(partnerResponse) };
    },
  );
};

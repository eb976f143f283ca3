import { DistrictCode, NeighbourhoodCode } from '@vangnet/contracts/codes';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { adminAccess, assertMunicipality, callerOf, nationalAccess } from '../../http/access.ts';
import {
  AreasResponse,
  DistrictBody,
  MunicipalityBody,
  MunicipalityParams,
  NeighbourhoodBody,
} from '../../http/schemas.ts';
import { saveDistrict, saveMunicipality, saveNeighbourhood } from './store.ts';

const security = [{ bearer: [] }];

export const manageAreasRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient; eventSource: string }> = async (
  app,
  { prisma, eventSource },
) => {
  app.put(
    '/v1/municipalities/:municipalityCode',
    {
      onRequest: nationalAccess,
      schema: {
        summary: 'Create a municipality or rename it',
        tags: ['areas'],
        security,
        params: MunicipalityParams,
        body: MunicipalityBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await prisma.$transaction((tx) =>
        saveMunicipality(tx, { code: request.params.municipalityCode, name: request.body.name }),
      );
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/v1/districts/:districtCode',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Create a district (CBS wijk) or rename it',
        tags: ['areas'],
        security,
        params: z.strictObject({ districtCode: DistrictCode }),
        body: DistrictBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      assertMunicipality(callerOf(request), request.body.municipalityCode);
      await prisma.$transaction((tx) => saveDistrict(tx, { code: request.params.districtCode, ...request.body }));
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/v1/neighbourhoods/:neighbourhoodCode',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'Create or change a neighbourhood (CBS buurt); publishes NeighbourhoodChanged',
        tags: ['areas'],
        security,
        params: z.strictObject({ neighbourhoodCode: NeighbourhoodCode }),
        body: NeighbourhoodBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const district = await prisma.district.findUnique({ where: { code: request.body.districtCode } });
      if (!district) throw new DomainError('DISTRICT_NOT_FOUND', `no district ${request.body.districtCode}`);
      assertMunicipality(callerOf(request), district.municipalityCode);
      await prisma.$transaction((tx) =>
        saveNeighbourhood(
          tx,
          { code: request.params.neighbourhoodCode, ...request.body },
          { source: eventSource, ...request.traceHeaders },
        ),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/municipalities/:municipalityCode/areas',
    {
      onRequest: adminAccess,
      schema: {
        summary: "A municipality's districts and neighbourhoods",
        tags: ['areas'],
        security,
        params: MunicipalityParams,
        response: { 200: AreasResponse },
      },
    },
    async (request) => {
      const code = request.params.municipalityCode;
      assertMunicipality(callerOf(request), code);
      const municipality = await prisma.municipality.findUnique({ where: { code } });
      if (!municipality) throw new DomainError('MUNICIPALITY_NOT_FOUND', `no municipality ${code}`);
      const [districts, neighbourhoods] = await Promise.all([
        prisma.district.findMany({ where: { municipalityCode: code }, orderBy: { code: 'asc' } }),
        prisma.neighbourhood.findMany({ where: { municipalityCode: code }, orderBy: { code: 'asc' } }),
      ]);
      return {
        municipality: { code: municipality.code, name: municipality.name },
        districts: districts.map(({ code, name }) => ({ code, name })),
        neighbourhoods: neighbourhoods.map(({ code, districtCode, name, active }) => ({
          code,
          districtCode,
          name,
          active,
        })),
      };
    },
  );
};

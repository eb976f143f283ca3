import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { DomainError, ProblemError } from '@vangnet/platform/problem';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { adminAccess, assertMunicipality, callerOf, nationalAccess } from '../../http/access.ts';
import { ImportResponse, MapQuery, MapResponse, MunicipalityParams } from '../../http/schemas.ts';
import { decodeMapCursor } from './cursor.ts';
import { importPostcodeMap } from './import.ts';
import { readMapPage } from './store.ts';

const LINE_FORMAT =
  'text/csv, one line per range: `postcode;house number from;to;neighbourhood code`, an optional ' +
  'header line. PC6 rows (with their range) win over PC4 rows. A malformed line refuses the whole ' +
  'file (422, every bad line listed) and the old map stays.';

/** JSON would be parsed into an object the CSV reader cannot read (a 500); say what these endpoints take. */
async function requireCsv(request: FastifyRequest) {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'text/csv') {
    throw new ProblemError({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      title: 'Unsupported content type',
      detail: 'send the postcode map as text/csv',
    });
  }
}

export const importPostcodesRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  // The body stays a stream: a national map is hundreds of thousands of lines.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  app.put(
    '/v1/postcode-map',
    {
      onRequest: nationalAccess,
      preParsing: requireCsv,
      bodyLimit: 200 * 1024 * 1024,
      schema: {
        summary: 'Replace the whole national postcode map with a CSV (atomically), as from the CBS file',
        description: `${LINE_FORMAT} Every municipality's rows are replaced; a municipality replaces only its own with PUT /v1/municipalities/{municipalityCode}/postcode-map.`,
        tags: ['areas'],
        security: [{ bearer: [] }],
        consumes: ['text/csv'],
        body: z.any(),
        response: { 200: ImportResponse },
      },
    },
    async (request) => importPostcodeMap(prisma, request.body as Readable),
  );

  app.put(
    '/v1/municipalities/:municipalityCode/postcode-map',
    {
      onRequest: adminAccess,
      preParsing: requireCsv,
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        summary: "Replace one municipality's rows of the postcode map with a CSV (atomically)",
        description:
          `${LINE_FORMAT} Only the rows of this municipality's neighbourhoods are replaced; every line must ` +
          "name one of them (a line naming another municipality's neighbourhood is refused like a malformed " +
          "one), so two municipalities on one deployment never wipe each other's rows.",
        tags: ['areas'],
        security: [{ bearer: [] }],
        consumes: ['text/csv'],
        params: MunicipalityParams,
        body: z.any(),
        response: { 200: ImportResponse },
      },
    },
    async (request) => {
      const { municipalityCode } = request.params;
      assertMunicipality(callerOf(request), municipalityCode);
      const known = await prisma.municipality.findUnique({ where: { code: municipalityCode } });
      if (!known) throw new DomainError('MUNICIPALITY_NOT_FOUND', `no municipality ${municipalityCode}`);
      return importPostcodeMap(prisma, request.body as Readable, { municipalityCode });
    },
  );

  app.get(
    '/v1/postcode-map',
    {
      onRequest: adminAccess,
      schema: {
        summary: 'The postcode map, by postcode, a page at a time',
        description:
          "A coordinator reads its own municipality's rows; an admin names one with `?municipality=` or reads " +
          'the whole map. Page with the keyset `next` cursor.',
        tags: ['areas'],
        security: [{ bearer: [] }],
        querystring: MapQuery,
        response: { 200: MapResponse },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const municipalityCode = request.query.municipality ?? caller.municipalityCode;
      if (!municipalityCode && caller.kind !== 'admin') {
        throw new DomainError('MUNICIPALITY_REQUIRED', 'name the municipality with ?municipality=GM....');
      }
      if (municipalityCode) assertMunicipality(caller, municipalityCode);
      const { limit, cursor } = request.query;
      return readMapPage(prisma, {
        ...(municipalityCode ? { municipalityCode } : {}),
        limit,
        ...(cursor ? { after: decodeMapCursor(cursor) } : {}),
      });
    },
  );
};

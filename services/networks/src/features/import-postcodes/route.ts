import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { ProblemError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { nationalAccess } from '../../http/access.ts';
import { ImportResponse } from '../../http/schemas.ts';
import { importPostcodeMap } from './import.ts';

export const importPostcodesRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  // The body stays a stream: a national map is hundreds of thousands of lines.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  app.put(
    '/v1/postcode-map',
    {
      onRequest: nationalAccess,
      preParsing: async (request) => {
        // JSON would be parsed into an object the CSV reader cannot read (a 500); say what this endpoint takes.
        const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        if (type !== 'text/csv') {
          throw new ProblemError({
            status: 415,
            code: 'UNSUPPORTED_MEDIA_TYPE',
            title: 'Unsupported content type',
            detail: 'send the postcode map as text/csv',
          });
        }
      },
      bodyLimit: 200 * 1024 * 1024,
      schema: {
        summary: 'Replace the whole postcode map with a CSV (atomically)',
        description:
          'text/csv, one line per range: `postcode;house number from;to;neighbourhood code`, an optional ' +
          'header line. PC6 rows (with their range) win over PC4 rows. A malformed line refuses the whole ' +
          'file (422, every bad line listed) and the old map stays.',
        tags: ['areas'],
        security: [{ bearer: [] }],
        consumes: ['text/csv'],
        body: z.any(),
        response: { 200: ImportResponse },
      },
    },
    async (request) => importPostcodeMap(prisma, request.body as Readable),
  );
};

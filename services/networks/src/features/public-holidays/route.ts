import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { adminAccess, nationalAccess } from '../../http/access.ts';
import { HolidayYearParams, PublicHolidaysBody, PublicHolidaysResponse } from '../../http/schemas.ts';
import { invalidHolidays } from './calendar.ts';
import { readHolidays, saveHolidays } from './store.ts';

const security = [{ bearer: [] }];

export const publicHolidaysRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.put(
    '/v1/public-holidays/:year',
    {
      onRequest: nationalAccess,
      schema: {
        summary: "Set a year's public holidays; deadlines set from now on skip them",
        description:
          'Replaces the built-in Dutch list for that year (list every day off, not only the extra ones). ' +
          'Deadlines already set keep their date.',
        tags: ['routing'],
        security,
        params: HolidayYearParams,
        body: PublicHolidaysBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { year } = request.params;
      const errors = invalidHolidays(year, request.body.holidays);
      if (errors.length > 0) {
        throw new DomainError(
          'HOLIDAY_LIST_INVALID',
          `the list has dates that are not one day each of ${year}`,
          errors,
        );
      }
      await saveHolidays(prisma, year, request.body.holidays, new Date());
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/public-holidays/:year',
    {
      onRequest: adminAccess,
      schema: {
        summary: "A year's public holidays: the configured list, else the built-in Dutch one",
        tags: ['routing'],
        security,
        params: HolidayYearParams,
        response: { 200: PublicHolidaysResponse },
      },
    },
    async (request) => ({ year: request.params.year, ...(await readHolidays(prisma, request.params.year)) }),
  );
};

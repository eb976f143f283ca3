import { SignalList, SignalListQuery } from '@vangnet/contracts/http/signals';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import type { PrismaClient } from '../../db.ts';
import { signallingKinds } from '../partners.ts';
import { toSignalResponse } from '../signal-response.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export const listSignalsRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/signals',
    {
      onRequest: authenticate({ kinds: signallingKinds, scope: scopes.signalsRead }),
      schema: {
        summary: 'Your own signals, newest first, optionally by feedback status',
        description:
          'The status is purpose-limited: `repeat`, `unjustified`, `deceased` and `not_resident` are told as ' +
          'such; a household helped or in a trajectory shows as `picked_up` (never why); every other closing ' +
          'result shows as `not_picked_up`, and an open signal as `in_progress`.',
        tags: ['signals'],
        security: [{ bearer: [] }],
        querystring: SignalListQuery,
        response: { 200: SignalList },
      },
    },
    async (request) => {
      const { organisationId } = principalOf(request);
      const { status, limit, cursor } = request.query;
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await prisma.signal.findMany({
        where: {
          partnerId: organisationId,
          ...(status ? { feedbackStatus: status } : {}),
          ...(after
            ? {
                OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }],
              }
            : {}),
        },
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
        select: { id: true, reference: true, type: true, feedbackStatus: true, caseId: true, receivedAt: true },
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toSignalResponse),
        ...(rows.length > limit && last ? { next: encodeCursor(last) } : {}),
      };
    },
  );
};

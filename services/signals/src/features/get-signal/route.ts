import { SignalResponse } from '@vangnet/contracts/http/signals';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { signallingKinds } from '../partners.ts';
import { toSignalResponse } from '../signal-response.ts';

export const getSignalRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/signals/:signalId',
    {
      onRequest: authenticate({ kinds: signallingKinds, scope: scopes.signalsRead, objectInPath: true }),
      schema: {
        summary: 'One of your own signals, with the feedback you are entitled to',
        tags: ['signals'],
        security: [{ bearer: [] }],
        params: z.strictObject({ signalId: z.uuid() }),
        response: { 200: SignalResponse },
      },
    },
    async (request) => {
      const { organisationId } = principalOf(request);
      const signal = await prisma.signal.findUnique({ where: { id: request.params.signalId } });
      // Another partner's signal is "not found", not "forbidden": its existence is not theirs to know.
      if (!signal || signal.partnerId !== organisationId) {
        throw new DomainError('SIGNAL_NOT_FOUND', `no signal ${request.params.signalId} among yours`);
      }
      return toSignalResponse(signal);
    },
  );
};

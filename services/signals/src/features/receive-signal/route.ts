import { randomUUID } from 'node:crypto';
import { SignalRequest, SignalResponse } from '@vangnet/contracts/http/signals';
import { scopes } from '@vangnet/contracts/organisations';
import { SignalReceivedV1 } from '@vangnet/contracts/signals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { outboxMessage } from '@vangnet/messaging/outbox';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import type { PrismaClient } from '../../db.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { signalReceived } from '../../integration/signal-events.ts';
import { toSignalResponse } from '../signal-response.ts';
import { decideReceiveSignal } from './decide.ts';

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export const receiveSignalRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient; eventSource: string }> = async (
  app,
  { prisma, eventSource },
) => {
  app.post(
    '/v1/signals',
    {
      // Authenticate before the body is even parsed: a stranger learns nothing from our validation.
      onRequest: authenticate({ kinds: ['landlord', 'energy', 'water', 'health_insurer'], scope: scopes.signalsWrite }),
      schema: {
        summary: 'Deliver one early-warning signal',
        description:
          'Idempotent per partner reference: sending the same reference again answers 200 with the signal ' +
          'that was first accepted, and stores nothing new.',
        tags: ['signals'],
        security: [{ bearer: [] }],
        body: SignalRequest,
        response: { 200: SignalResponse, 201: SignalResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const partner = { id: principal.organisationId, kind: principal.kind };
      const findFirst = () =>
        prisma.signal.findUnique({
          where: { partnerId_reference: { partnerId: partner.id, reference: request.body.reference } },
        });

      const existing = await findFirst();
      if (existing) return reply.code(200).send(toSignalResponse(existing));

      const signal = decideReceiveSignal({ partner, request: request.body, signalId: randomUUID(), now: new Date() });
      try {
        await prisma.$transaction(async (tx) => {
          await tx.signal.create({ data: { ...signal, arrearsSince: new Date(`${signal.arrearsSince}T00:00:00Z`) } });
          await appendToOutbox(tx, [
            outboxMessage(SignalReceivedV1, signalReceived(signal), {
              source: eventSource,
              ...request.traceHeaders,
            }),
          ]);
        });
      } catch (error) {
        // Two resends racing: the loser answers with the winner's signal.
        if (!isUniqueViolation(error)) throw error;
        const winner = await findFirst();
        if (!winner) throw error;
        return reply.code(200).send(toSignalResponse(winner));
      }
      // The transaction has committed: the signal is durable before the 201 leaves.
      return reply.code(201).header('location', `/v1/signals/${signal.id}`).send(toSignalResponse(signal));
    },
  );
};

import { SignalRequest, SignalResponse } from '@vangnet/contracts/http/signals';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import { signallingKinds } from '../partners.ts';
import { bsnFields } from './bsn.ts';
import { type SingleSignals, takeInSignal } from './single-signals.ts';

export const receiveSignalRoute: FastifyPluginAsyncZod<{ singles: SingleSignals }> = async (app, { singles }) => {
  app.post(
    '/v1/signals',
    {
      // Authenticate before the body is even parsed: a stranger learns nothing from our validation.
      onRequest: authenticate({ kinds: signallingKinds, scope: scopes.signalsWrite }),
      // A BSN is refused with its own code before any other check (see bsnFields).
      preValidation: async (request) => {
        const bsn = bsnFields(request.body);
        if (bsn.length > 0) throw new DomainError('SIGNAL_BSN_NOT_ALLOWED', 'remove the BSN from the signal', bsn);
      },
      schema: {
        summary: 'Deliver one early-warning signal',
        description:
          'Idempotent per partner reference: sending the same reference again answers 200 with the signal ' +
          'that was first accepted, and stores nothing new. A signal under the municipal threshold or a repeat ' +
          'is accepted (201) and closed at once with status `unjustified` or `repeat`; it never reaches a team.',
        tags: ['signals'],
        security: [{ bearer: [] }],
        body: SignalRequest,
        response: { 200: SignalResponse, 201: SignalResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const partner = { id: principal.organisationId, kind: principal.kind };
      const { signal, created } = await takeInSignal(singles, partner, request.body, request.traceHeaders);
      if (!created) return reply.code(200).send(signal);
      return reply.code(201).header('location', `/v1/signals/${signal.id}`).send(signal);
    },
  );
};

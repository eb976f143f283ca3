import {
  CloseRequest,
  ContactAttemptRequest,
  DeclineRequest,
  ReferralDetail,
  TransferRequest,
  TransferResponse,
} from '@vangnet/contracts/http/referrals';
import { scopes } from '@vangnet/contracts/organisations';
import type { OutboxContext } from '@vangnet/messaging/outbox';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, type Principal, principalOf } from '@vangnet/platform/auth';
import { ProblemError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { PrismaClient, Transaction } from '../../db.ts';
import { applyAction } from '../lifecycle/apply.ts';
import type { ActionRequest, Actor, ReferralState } from '../lifecycle/decide.ts';
import { TransitionNotAllowed } from '../lifecycle/state-machine.ts';
import { checkTeamAccess } from '../team-inbox/access.ts';
import { toDetail } from '../team-inbox/view.ts';

export interface ActionDeps {
  prisma: PrismaClient;
  clock: Clock;
  eventSource: string;
}

const ReferralParams = z.strictObject({ teamId: z.uuid(), referralId: z.uuid() });
/**
 * Accept takes no body. A body with fields is refused like any unknown
 * field (a client sending a reason to accept expects it to be kept).
 */
async function noFields(request: { body: unknown }) {
  const fields = request.body && typeof request.body === 'object' ? Object.keys(request.body) : [];
  if (fields.length === 0) return;
  throw new ProblemError({
    status: 400,
    code: 'VALIDATION_FAILED',
    title: 'The request is invalid',
    detail: `body has ${fields.length} invalid field(s); see errors`,
    errors: fields.map((field) => ({
      in: 'body',
      pointer: `/${field}`,
      code: 'unknown_field',
      detail: 'unknown field; this API rejects fields it does not know rather than dropping them',
    })),
  });
}
const teamWriters = authenticate({ kinds: ['team'], scope: scopes.referralsWrite, objectInPath: true });

const actorOf = (principal: Principal): Actor => ({
  kind: principal.kind === 'coordinator' ? 'coordinator' : 'team',
  id: principal.organisationId,
  client: principal.clientId,
});

/** A refused transition names the status and the actions allowed from it, so a client can offer the right buttons. */
const asConflict = (error: unknown) =>
  error instanceof TransitionNotAllowed
    ? new ProblemError({
        status: 409,
        code: error.code,
        title: 'This action is not allowed in the referral’s current status',
        detail: error.message,
        extensions: { currentStatus: error.status, allowedActions: error.allowed },
      })
    : error;

export const referralActionRoutes: FastifyPluginAsyncZod<ActionDeps> = async (app, { prisma, clock, eventSource }) => {
  /** Checks the caller, runs the action in one transaction, answers with the referral as it now is. */
  async function act(
    principal: Principal,
    params: { teamId: string; referralId: string },
    request: ActionRequest | ((referral: ReferralState) => Promise<ActionRequest>),
    trace: Omit<OutboxContext, 'source'>,
  ) {
    await checkTeamAccess(prisma, principal, params.teamId);
    const now = clock();
    try {
      const { referral, decision } = await prisma.$transaction((tx: Transaction) =>
        applyAction(tx, params, request, actorOf(principal), now, { source: eventSource, ...trace }),
      );
      const [attempts, history] = await Promise.all([
        prisma.contactAttempt.findMany({
          where: { referralId: referral.id },
          orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
        }),
        prisma.referralHistory.findMany({ where: { referralId: referral.id }, orderBy: { id: 'asc' } }),
      ]);
      return { detail: toDetail(referral, attempts, history), decision };
    } catch (error) {
      throw asConflict(error);
    }
  }

  const common = { tags: ['team inbox'], security: [{ bearer: [] }], params: ReferralParams };
  // The largest action body is a close with 2,000 characters of notes.
  const bodyLimit = 16 * 1024;

  app.post(
    '/v1/teams/:teamId/referrals/:referralId/accept',
    {
      onRequest: teamWriters,
      bodyLimit,
      preValidation: noFields,
      schema: {
        ...common,
        summary: 'Accept a routed referral',
        response: { 200: ReferralDetail },
      },
    },
    async (request) =>
      (await act(principalOf(request), request.params, { action: 'accept' }, request.traceHeaders)).detail,
  );

  app.post(
    '/v1/teams/:teamId/referrals/:referralId/decline',
    {
      onRequest: teamWriters,
      bodyLimit,
      schema: {
        ...common,
        summary: 'Decline a routed referral with a reason; the router re-routes the item',
        body: DeclineRequest,
        response: { 200: ReferralDetail },
      },
    },
    async (request) =>
      (
        await act(
          principalOf(request),
          request.params,
          { action: 'decline', reason: request.body.reason },
          request.traceHeaders,
        )
      ).detail,
  );

  app.post(
    '/v1/teams/:teamId/referrals/:referralId/transfer',
    {
      onRequest: authenticate({ kinds: ['team', 'coordinator'], scope: scopes.referralsWrite, objectInPath: true }),
      bodyLimit,
      schema: {
        ...common,
        summary: 'Hand the referral to another team of the municipality, through the router',
        description:
          'Ends this referral (status `transferred`) and publishes ReferralTransferred with a reserved ' +
          '`newReferralId`; the router checks the team and answers with a RoutingDecided carrying that id, ' +
          "which becomes the new team's referral. A team that already had the item is refused (422 " +
          '`TRANSFER_TEAM_HAD_ITEM`): the router would not give it back; the coordinator can.',
        body: TransferRequest,
        response: { 200: TransferResponse },
      },
    },
    async (request) => {
      const { toTeamId } = request.body;
      const teamOf = async (id: string) =>
        prisma.team.findUnique({ where: { id }, select: { id: true, municipalityCode: true, active: true } });
      const { detail, decision } = await act(
        principalOf(request),
        request.params,
        async (referral) => ({
          action: 'transfer',
          toTeamId,
          toTeam: await teamOf(toTeamId),
          fromTeam: await teamOf(referral.teamId),
          teamsThatHadItem: (
            await prisma.referral.findMany({
              where: { itemKind: referral.itemKind, itemId: referral.itemId },
              select: { teamId: true },
            })
          ).map((earlier) => earlier.teamId),
        }),
        request.traceHeaders,
      );
      const newReferralId = decision.update.transferredToReferralId;
      if (!newReferralId) throw new Error('a transfer reserves the new referral id');
      return { ...detail, newReferralId };
    },
  );

  app.post(
    '/v1/teams/:teamId/referrals/:referralId/contact-attempts',
    {
      onRequest: teamWriters,
      bodyLimit,
      schema: {
        ...common,
        summary: 'Record an attempt to reach the person (the first one starts the work: in_progress)',
        body: ContactAttemptRequest,
        response: { 201: ReferralDetail },
      },
    },
    async (request, reply) => {
      const { detail } = await act(
        principalOf(request),
        request.params,
        { action: 'record_contact', attempt: request.body },
        request.traceHeaders,
      );
      return reply.code(201).send(detail);
    },
  );

  app.post(
    '/v1/teams/:teamId/referrals/:referralId/close',
    {
      onRequest: teamWriters,
      bodyLimit,
      schema: {
        ...common,
        summary: 'Close the referral with a closing result (DDAS) and the team’s own notes',
        body: CloseRequest,
        response: { 200: ReferralDetail },
      },
    },
    async (request) =>
      (
        await act(
          principalOf(request),
          request.params,
          {
            action: 'close',
            result: request.body.result,
            ...(request.body.notes ? { notes: request.body.notes } : {}),
          },
          request.traceHeaders,
        )
      ).detail,
  );
};

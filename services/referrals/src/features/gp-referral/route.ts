import { randomUUID } from 'node:crypto';
import { GpReferralRequest, GpReferralView } from '@vangnet/contracts/http/referrals';
import { PartnerId, scopes } from '@vangnet/contracts/organisations';
import { ReferralRequestedV1 } from '@vangnet/contracts/referrals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { outboxMessage } from '@vangnet/messaging/outbox';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { PrismaClient, Transaction } from '../../db.ts';
import { Prisma, type ReferralRequest } from '../../generated/prisma/client.ts';
import { validateGpReferral } from './decide.ts';
import { gpFeedbackOf } from './status.ts';

export interface GpReferralDeps {
  prisma: PrismaClient;
  clock: Clock;
  eventSource: string;
}

type View = z.infer<typeof GpReferralView>;
const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

async function viewOf(prisma: PrismaClient, request: ReferralRequest): Promise<View> {
  const referrals = await prisma.referral.findMany({
    where: { itemId: request.id, itemKind: 'referral_request' },
    select: {
      status: true,
      acceptedAt: true,
      firstContactAt: true,
      endedAt: true,
      closingResult: true,
      createdAt: true,
    },
  });
  const status = gpFeedbackOf(request, referrals);
  return {
    id: request.id,
    ...(request.reference ? { reference: request.reference } : {}),
    status: status.status,
    ...(status.outcome ? { outcome: status.outcome as View['outcome'] } : {}),
    urgency: request.urgency as View['urgency'],
    ageBand: request.ageBand as View['ageBand'],
    concernCodes: request.concernCodes as View['concernCodes'],
    receivedAt: request.requestedAt.toISOString(),
    ...(status.acceptedAt ? { acceptedAt: status.acceptedAt.toISOString() } : {}),
    ...(status.firstContactAt ? { firstContactAt: status.firstContactAt.toISOString() } : {}),
    ...(status.closedAt ? { closedAt: status.closedAt.toISOString() } : {}),
    ...(status.status === 'with_coordinator' && request.handedToCoordinatorAt
      ? { handedToCoordinatorAt: request.handedToCoordinatorAt.toISOString() }
      : {}),
  };
}

export const gpReferralRoutes: FastifyPluginAsyncZod<GpReferralDeps> = async (app, { prisma, clock, eventSource }) => {
  app.post(
    '/v1/referrals',
    {
      // Authenticate before the body is parsed: a stranger learns nothing from our validation.
      onRequest: authenticate({ kinds: ['gp'], scope: scopes.referralsWrite }),
      // Health data: a referral body is small, and a big one is a mistake or an attack.
      bodyLimit: 32 * 1024,
      schema: {
        summary: 'Refer a patient to a welfare coach (Welzijn op Recept)',
        description:
          'Needs the patient’s consent for `referral_to_welfare_coach` and `share_with_team`; without either ' +
          'the answer is 422 `REFERRAL_CONSENT_REQUIRED` naming the missing purpose. Without ' +
          '`feedback_to_referrer` the practice is told no more than `received`. With a `reference`, sending it again answers 200 with the first referral. ' +
          'Publishes ReferralRequested (codes, age band, postcode and house number only) for the router.',
        tags: ['gp referrals'],
        security: [{ bearer: [] }],
        body: GpReferralRequest,
        response: { 200: GpReferralView, 201: GpReferralView },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const findFirst = () =>
        body.reference
          ? prisma.referralRequest.findUnique({
              where: {
                gpOrganisationId_reference: { gpOrganisationId: principal.organisationId, reference: body.reference },
              },
            })
          : Promise.resolve(null);
      const existing = await findFirst();
      if (existing) return reply.code(200).send(await viewOf(prisma, existing));

      const now = clock();
      const { ageBand } = validateGpReferral(body, now);
      const consent = body.consent;
      if (!consent) throw new Error('validateGpReferral lets no referral without consent through');
      const id = randomUUID();
      try {
        const created = await prisma.$transaction(async (tx: Transaction) => {
          const row = await tx.referralRequest.create({
            data: {
              id,
              gpOrganisationId: principal.organisationId,
              reference: body.reference ?? null,
              givenName: body.patient.givenName,
              familyName: body.patient.familyName,
              dateOfBirth: new Date(`${body.patient.dateOfBirth}T00:00:00Z`),
              phone: body.patient.phone ?? null,
              email: body.patient.email ?? null,
              postcode: body.patient.address.postcode,
              houseNumber: body.patient.address.houseNumber,
              houseNumberAddition: body.patient.address.houseNumberAddition ?? null,
              municipalityCode: principal.municipalityCode ?? null,
              concernCodes: [...new Set(body.concern.codes)],
              icpcCode: body.concern.icpc,
              concernNote: body.concern.note ?? null,
              urgency: body.urgency,
              ageBand,
              referrerName: body.referrer.name,
              referrerRole: body.referrer.role,
              referrerPhone: body.referrer.phone,
              referrerEmail: body.referrer.email ?? null,
              consentRecordedBy: consent.recordedBy,
              consentRecordedAt: new Date(consent.recordedAt),
              consentPurposes: [...new Set(consent.purposes)],
              consentFeedbackToReferrer: consent.purposes.includes('feedback_to_referrer'),
              requestedAt: now,
            },
          });
          await appendToOutbox(tx, [
            outboxMessage(
              ReferralRequestedV1,
              {
                requestId: id,
                ...(principal.municipalityCode ? { municipalityCode: principal.municipalityCode } : {}),
                // A claim networks could not register anyway stays out rather than fail the request.
                ...(PartnerId.safeParse(principal.organisationId).success
                  ? { partnerId: principal.organisationId }
                  : {}),
                postcode: body.patient.address.postcode,
                houseNumber: body.patient.address.houseNumber,
                ageBand,
                urgency: body.urgency,
                concernCodes: [...new Set(body.concern.codes)],
                requestedAt: now.toISOString(),
              },
              { source: eventSource, ...request.traceHeaders, time: now },
            ),
          ]);
          return row;
        });
        return reply
          .code(201)
          .header('location', `/v1/referrals/${id}`)
          .send(await viewOf(prisma, created));
      } catch (error) {
        // Two resends with one reference racing: the loser answers with the winner's referral.
        if (!isUniqueViolation(error)) throw error;
        const winner = await findFirst();
        if (!winner) throw error;
        return reply.code(200).send(await viewOf(prisma, winner));
      }
    },
  );

  app.get(
    '/v1/referrals/:referralId',
    {
      onRequest: authenticate({ kinds: ['gp'], scope: scopes.referralsRead, objectInPath: true }),
      schema: {
        summary: 'Where your GP referral stands: the closed loop back to the practice',
        description:
          '`received`, `routed`, `accepted`, `first_contact_made`, `closed` (with the outcome) or ' +
          '`with_coordinator` (no team could take it); only `received` when the patient did not consent to ' +
          '`feedback_to_referrer`. Only for the practice that made the referral; ' +
          'any other caller gets 404.',
        tags: ['gp referrals'],
        security: [{ bearer: [] }],
        params: z.strictObject({ referralId: z.uuid() }),
        response: { 200: GpReferralView },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const found = await prisma.referralRequest.findUnique({ where: { id: request.params.referralId } });
      if (!found || found.gpOrganisationId !== principal.organisationId) {
        throw new DomainError('REFERRAL_NOT_FOUND', 'no such referral from your practice');
      }
      return viewOf(prisma, found);
    },
  );
};

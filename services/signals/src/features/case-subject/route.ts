import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';

const isoDate = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : undefined);

const Address = z.object({
  postcode: z.string(),
  houseNumber: z.number().int(),
  houseNumberAddition: z.string().optional(),
});

const CaseSubject = z.object({
  caseId: z.uuid(),
  status: z.enum(['open', 'closed']),
  /** The household the case was opened for. */
  address: Address,
  /** The case's signals, oldest first, each with the person and the address as its partner knew them. */
  signals: z.array(
    z.object({
      signalId: z.uuid(),
      type: z.string(),
      partnerKind: z.string(),
      receivedAt: z.iso.datetime({ offset: true }),
      /** Where this partner knows the person: a signal that joined through the person may come from a new address (a move). */
      address: Address,
      subject: z.object({
        givenName: z.string().optional(),
        familyName: z.string().optional(),
        dateOfBirth: z.iso.date().optional(),
        phone: z.string().optional(),
        email: z.string().optional(),
      }),
      arrears: z.object({ amount: z.number(), since: z.iso.date() }).optional(),
      crisis: z.object({ kind: z.string(), plannedOn: z.iso.date().optional() }).optional(),
      absence: z.object({ hours: z.number().int(), from: z.iso.date(), to: z.iso.date() }).optional(),
    }),
  ),
});

const present = <T extends Record<string, unknown>>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== null && entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };

export const caseSubjectRoute: FastifyPluginAsyncZod<{ prisma: PrismaClient }> = async (app, { prisma }) => {
  app.get(
    '/v1/cases/:caseId/subject',
    {
      onRequest: authenticate({ kinds: ['team'], scope: scopes.referralsRead, objectInPath: true }),
      schema: {
        summary: 'Who a household case is about, for the team that holds its referral',
        description:
          "The household's address and, per signal, the person and their address as the partner knew them " +
          '(a signal joined through the same person may come from another address), with the arrears, crisis or ' +
          'absence it reported. Only the team holding an active referral of the case (routed, accepted or in ' +
          'progress) sees it; any other caller, and a team whose referral ended, gets 404. Every read is logged ' +
          '(who, which case, shown or refused).',
        tags: ['cases'],
        security: [{ bearer: [] }],
        params: z.strictObject({ caseId: z.uuid() }),
        response: { 200: CaseSubject },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { caseId } = request.params;
      const access = await prisma.caseTeamAccess.findUnique({
        where: { caseId_teamId: { caseId, teamId: principal.organisationId } },
      });
      const householdCase = access?.active
        ? await prisma.householdCase.findUnique({
            where: { id: caseId },
            include: { signals: { orderBy: { receivedAt: 'asc' } } },
          })
        : null;
      const outcome = householdCase ? 'shown' : 'refused';
      // Who read which case; never what they saw.
      await prisma.subjectAccessLog.create({
        data: {
          clientId: principal.clientId,
          organisationId: principal.organisationId,
          organisationKind: principal.kind,
          caseId,
          action: 'read_case_subject',
          outcome,
        },
      });
      request.log.info({ audit: 'read_case_subject', teamId: principal.organisationId, caseId, outcome });
      if (!householdCase) {
        // Not the team's case (or no longer): "not found", as its existence is not theirs to know.
        throw new DomainError('CASE_NOT_FOUND', `no case ${caseId} among your team's referrals`);
      }
      return {
        caseId: householdCase.id,
        status: householdCase.status as 'open' | 'closed',
        address: present({
          postcode: householdCase.postcode,
          houseNumber: householdCase.houseNumber,
          houseNumberAddition: householdCase.houseNumberAddition,
        }),
        signals: householdCase.signals.map((signal) => ({
          signalId: signal.id,
          type: signal.type,
          partnerKind: signal.partnerKind,
          receivedAt: signal.receivedAt.toISOString(),
          address: present({
            postcode: signal.postcode,
            houseNumber: signal.houseNumber,
            houseNumberAddition: signal.houseNumberAddition,
          }),
          subject: present({
            givenName: signal.subjectGivenName,
            familyName: signal.subjectFamilyName,
            dateOfBirth: isoDate(signal.subjectDateOfBirth),
            phone: signal.subjectPhone,
            email: signal.subjectEmail,
          }),
          ...(signal.arrearsCents !== null && signal.arrearsSince
            ? { arrears: { amount: signal.arrearsCents / 100, since: isoDate(signal.arrearsSince) as string } }
            : {}),
          ...(signal.crisisKind
            ? { crisis: present({ kind: signal.crisisKind, plannedOn: isoDate(signal.crisisPlannedOn) }) }
            : {}),
          ...(signal.absenceHours !== null && signal.absenceFrom && signal.absenceTo
            ? {
                absence: {
                  hours: signal.absenceHours,
                  from: isoDate(signal.absenceFrom) as string,
                  to: isoDate(signal.absenceTo) as string,
                },
              }
            : {}),
        })),
      };
    },
  );
};

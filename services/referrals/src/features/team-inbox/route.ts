import {
  GpReferralSubject,
  NoticeList,
  ReferralDetail,
  ReferralList,
  ReferralListQuery,
} from '@vangnet/contracts/http/referrals';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { PrismaClient } from '../../db.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { isActive, isReferralStatus } from '../lifecycle/state-machine.ts';
import { checkTeamAccess } from './access.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { summaryColumns, toDetail, toSummary } from './view.ts';

const TeamParams = z.strictObject({ teamId: z.uuid() });
const ReferralParams = z.strictObject({ teamId: z.uuid(), referralId: z.uuid() });
const readers = authenticate({ kinds: ['team', 'coordinator'], scope: scopes.referralsRead, objectInPath: true });
const notFound = () => new DomainError('REFERRAL_NOT_FOUND', 'no such referral in this team');
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export const teamInboxRoutes: FastifyPluginAsyncZod<{ prisma: PrismaClient; clock: Clock }> = async (
  app,
  { prisma, clock },
) => {
  app.get(
    '/v1/teams/:teamId/referrals',
    {
      onRequest: readers,
      schema: {
        summary: "A team's referrals: filters, sorting and cursor pagination",
        description:
          'For the team itself or the coordinator of its municipality. `status` takes one or more statuses, ' +
          'comma-separated; `deadlineBefore` keeps referrals due before that date. Pass `next` back as `cursor` ' +
          'with the same filters and sort for the following page.',
        tags: ['team inbox'],
        security: [{ bearer: [] }],
        params: TeamParams,
        querystring: ReferralListQuery,
        response: { 200: ReferralList },
      },
    },
    async (request) => {
      const { teamId } = request.params;
      await checkTeamAccess(prisma, principalOf(request), teamId);
      const { status, deadlineBefore, urgency, neighbourhood, sort, limit, cursor } = request.query;
      const after = cursor ? decodeCursor(cursor, sort) : undefined;
      const descending = sort.endsWith('_desc');
      const byCreated = sort.startsWith('created');
      const field = byCreated ? 'createdAt' : 'deadline';
      const direction = descending ? 'desc' : 'asc';
      let keyset: Prisma.ReferralWhereInput = {};
      if (after) {
        const key = byCreated ? new Date(after.key) : new Date(`${after.key}T00:00:00Z`);
        const beyond = descending ? 'lt' : 'gt';
        keyset = { OR: [{ [field]: { [beyond]: key } }, { [field]: key, id: { [beyond]: after.id } }] };
      }
      const rows = await prisma.referral.findMany({
        where: {
          teamId,
          ...(status ? { status: { in: status } } : {}),
          ...(deadlineBefore ? { deadline: { lt: new Date(`${deadlineBefore}T00:00:00Z`) } } : {}),
          ...(urgency ? { urgency } : {}),
          ...(neighbourhood ? { neighbourhoodCode: neighbourhood } : {}),
          ...keyset,
        },
        orderBy: [{ [field]: direction }, { id: direction }],
        take: limit + 1,
        select: summaryColumns,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toSummary),
        ...(rows.length > limit && last
          ? {
              next: encodeCursor({
                sort,
                key: byCreated ? last.createdAt.toISOString() : isoDate(last.deadline),
                id: last.id,
              }),
            }
          : {}),
      };
    },
  );

  app.get(
    '/v1/teams/:teamId/referrals/:referralId',
    {
      onRequest: readers,
      schema: {
        summary: 'One referral of the team with its contact attempts and history',
        tags: ['team inbox'],
        security: [{ bearer: [] }],
        params: ReferralParams,
        response: { 200: ReferralDetail },
      },
    },
    async (request) => {
      const { teamId, referralId } = request.params;
      await checkTeamAccess(prisma, principalOf(request), teamId);
      const referral = await prisma.referral.findUnique({ where: { id: referralId } });
      if (!referral || referral.teamId !== teamId) throw notFound();
      const [attempts, history] = await Promise.all([
        prisma.contactAttempt.findMany({ where: { referralId }, orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] }),
        prisma.referralHistory.findMany({ where: { referralId }, orderBy: { id: 'asc' } }),
      ]);
      return toDetail(referral, attempts, history);
    },
  );

  app.get(
    '/v1/teams/:teamId/referrals/:referralId/subject',
    {
      onRequest: authenticate({ kinds: ['team'], scope: scopes.referralsRead, objectInPath: true }),
      schema: {
        summary: "The patient's details of a GP referral, for the team holding it",
        description:
          'Only while the team holds the referral (routed, accepted or in progress); afterwards, or for another ' +
          "team, 404. Every read is logged. A household case's details come from signals " +
          '(`GET /v1/cases/{caseId}/subject`), linked from the referral.',
        tags: ['team inbox'],
        security: [{ bearer: [] }],
        params: ReferralParams,
        response: { 200: GpReferralSubject },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { teamId, referralId } = request.params;
      await checkTeamAccess(prisma, principal, teamId);
      const referral = await prisma.referral.findUnique({ where: { id: referralId } });
      // One answer for every refusal: whether the referral exists elsewhere is itself none of the caller's business.
      const holds =
        referral &&
        referral.teamId === teamId &&
        referral.itemKind === 'referral_request' &&
        isReferralStatus(referral.status) &&
        isActive(referral.status);
      if (!holds) throw new DomainError('SUBJECT_NOT_FOUND', 'no GP referral held by this team');
      const found = await prisma.referralRequest.findUnique({ where: { id: referral.itemId } });
      // Intake requires share_with_team; a request taken in before that rule without it stays closed to the team.
      if (!found?.consentPurposes.includes('share_with_team')) {
        throw new DomainError('SUBJECT_NOT_FOUND', 'no GP referral held by this team');
      }
      await prisma.subjectAccess.create({
        data: {
          organisationKind: principal.kind,
          organisationId: principal.organisationId,
          clientId: principal.clientId,
          referralId,
          requestId: found.id,
          action: 'read_subject',
          at: clock(),
        },
      });
      return {
        requestId: found.id,
        patient: {
          givenName: found.givenName,
          familyName: found.familyName,
          dateOfBirth: isoDate(found.dateOfBirth),
          ...(found.phone ? { phone: found.phone } : {}),
          ...(found.email ? { email: found.email } : {}),
          address: {
            postcode: found.postcode,
            houseNumber: found.houseNumber,
            ...(found.houseNumberAddition ? { houseNumberAddition: found.houseNumberAddition } : {}),
          },
        },
        concern: {
          codes: found.concernCodes as z.infer<typeof GpReferralSubject>['concern']['codes'],
          icpc: found.icpcCode,
          ...(found.concernNote ? { note: found.concernNote } : {}),
        },
        urgency: found.urgency as z.infer<typeof GpReferralSubject>['urgency'],
        referrer: {
          name: found.referrerName,
          role: found.referrerRole,
          phone: found.referrerPhone,
          ...(found.referrerEmail ? { email: found.referrerEmail } : {}),
        },
        consent: {
          recordedBy: found.consentRecordedBy,
          recordedAt: found.consentRecordedAt.toISOString(),
          purposes: found.consentPurposes as z.infer<typeof GpReferralSubject>['consent']['purposes'],
        },
      };
    },
  );

  app.get(
    '/v1/teams/:teamId/notices',
    {
      onRequest: readers,
      schema: {
        summary: 'Read-only notices: items routed to another team that this team is to know about',
        tags: ['team inbox'],
        security: [{ bearer: [] }],
        params: TeamParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: NoticeList },
      },
    },
    async (request) => {
      const { teamId } = request.params;
      await checkTeamAccess(prisma, principalOf(request), teamId);
      const notices = await prisma.referralNotice.findMany({
        where: { teamId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: request.query.limit,
      });
      return {
        items: notices.map((notice) => ({
          id: notice.id,
          item: { kind: notice.itemKind as 'case' | 'signal' | 'referral_request', id: notice.itemId },
          assignedTeamId: notice.assignedTeamId,
          ...(notice.neighbourhoodCode ? { neighbourhoodCode: notice.neighbourhoodCode } : {}),
          createdAt: notice.createdAt.toISOString(),
        })),
      };
    },
  );
};

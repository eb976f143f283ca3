import type { ReferralDetail, ReferralSummary } from '@vangnet/contracts/http/referrals';
import type { ContactAttempt, Prisma, Referral, ReferralHistory } from '../../generated/prisma/client.ts';
import { allowedActions, isActive, isReferralStatus } from '../lifecycle/state-machine.ts';

const isoDate = (date: Date) => date.toISOString().slice(0, 10);
const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/**
 * Where the person's details are while the team holds the referral: this
 * service for a GP request, signals for a household case. Each owner checks
 * again that the asking team holds an active referral.
 */
function subjectLink(referral: SummaryRow): string | undefined {
  if (!isReferralStatus(referral.status) || !isActive(referral.status)) return undefined;
  if (referral.itemKind === 'referral_request') return `/v1/teams/${referral.teamId}/referrals/${referral.id}/subject`;
  if (referral.itemKind === 'case') return `/v1/cases/${referral.itemId}/subject`;
  return undefined;
}

/**
 * The columns a list needs, and no more: a team's list is read far more often
 * than a referral (a screen asks for up to 200 at a time), and mapping the
 * columns it does not show costs the service more CPU than PostgreSQL's read does.
 */
export const summaryColumns = {
  id: true,
  teamId: true,
  itemKind: true,
  itemId: true,
  status: true,
  urgency: true,
  neighbourhoodCode: true,
  deadline: true,
  escalatesOn: true,
  escalatedAt: true,
  attempt: true,
  explanation: true,
  declineReason: true,
  closingResult: true,
  createdAt: true,
  acceptedAt: true,
  firstContactAt: true,
  endedAt: true,
} as const satisfies Prisma.ReferralSelect;

type SummaryRow = Prisma.ReferralGetPayload<{ select: typeof summaryColumns }>;

export function toSummary(referral: SummaryRow): ReferralSummary {
  const status = referral.status as ReferralSummary['status'];
  const subject = subjectLink(referral);
  return {
    id: referral.id,
    teamId: referral.teamId,
    item: { kind: referral.itemKind as ReferralSummary['item']['kind'], id: referral.itemId },
    status,
    ...optional('urgency', referral.urgency as ReferralSummary['urgency']),
    ...optional('neighbourhoodCode', referral.neighbourhoodCode),
    deadline: isoDate(referral.deadline),
    escalatesOn: isoDate(referral.escalatesOn),
    escalated: referral.escalatedAt !== null,
    attempt: referral.attempt,
    explanation: referral.explanation,
    ...optional('declineReason', referral.declineReason as ReferralSummary['declineReason']),
    ...optional('result', referral.closingResult as ReferralSummary['result']),
    createdAt: referral.createdAt.toISOString(),
    ...optional('acceptedAt', referral.acceptedAt?.toISOString()),
    ...optional('firstContactAt', referral.firstContactAt?.toISOString()),
    ...optional('endedAt', referral.endedAt?.toISOString()),
    allowedActions: isReferralStatus(status) ? allowedActions(status) : [],
    links: { self: `/v1/teams/${referral.teamId}/referrals/${referral.id}`, ...optional('subject', subject) },
  };
}

export function toDetail(referral: Referral, attempts: ContactAttempt[], history: ReferralHistory[]): ReferralDetail {
  return {
    ...toSummary(referral),
    ...optional('closingNotes', referral.closingNotes),
    contactAttempts: attempts.map((attempt) => ({
      id: attempt.id,
      channel: attempt.channel as ReferralDetail['contactAttempts'][number]['channel'],
      date: isoDate(attempt.date),
      partOfDay: attempt.partOfDay as ReferralDetail['contactAttempts'][number]['partOfDay'],
      reached: attempt.reached,
      recordedAt: attempt.recordedAt.toISOString(),
    })),
    history: history.map((entry) => ({
      action: entry.action,
      ...optional('fromStatus', entry.fromStatus as ReferralSummary['status'] | null),
      toStatus: entry.toStatus as ReferralSummary['status'],
      ...optional('code', entry.code),
      actorKind: entry.actorKind as ReferralDetail['history'][number]['actorKind'],
      at: entry.at.toISOString(),
    })),
  };
}

import { createHash } from 'node:crypto';
import type { GpReferralStatusChanged } from '@vangnet/contracts/http/referrals';
import type { GpStatus } from '../gp-referral/status.ts';

export interface AnnouncedStatus {
  status: string;
  outcome: string | null;
}

/**
 * What to announce to the practice, if anything. Nothing without the
 * patient's consent for `feedback_to_referrer`; nothing while the status is
 * the one last announced (a decline or an escalation leaves the GP status
 * as it was); and no `received`, which the practice knows from its own
 * request's answer.
 */
export function gpStatusToAnnounce(
  current: GpStatus,
  previous: AnnouncedStatus | null,
  consentFeedbackToReferrer: boolean,
): GpStatus | undefined {
  if (!consentFeedbackToReferrer) return undefined;
  if (!previous) return current.status === 'received' ? undefined : current;
  const same = previous.status === current.status && (previous.outcome ?? undefined) === current.outcome;
  return same ? undefined : current;
}

/** The data of GpReferralStatusChanged: the request id and the GP-visible status, nothing about teams. */
export function gpStatusChangedData(requestId: string, status: GpStatus): GpReferralStatusChanged {
  return {
    requestId,
    status: status.status,
    ...(status.outcome ? { outcome: status.outcome as GpReferralStatusChanged['outcome'] } : {}),
    ...(status.acceptedAt ? { acceptedAt: status.acceptedAt.toISOString() } : {}),
    ...(status.firstContactAt ? { firstContactAt: status.firstContactAt.toISOString() } : {}),
    ...(status.closedAt ? { closedAt: status.closedAt.toISOString() } : {}),
  };
}

/**
 * The CloudEvents id of the status event an event caused: derived from that
 * event's id (so a replay gives the same id and adds no delivery), yet not
 * equal to it, so the practice cannot look up the team event behind it.
 */
export function gpStatusEventId(causeEventId: string): string {
  const hex = createHash('sha256').update(`gp-status:${causeEventId}`).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

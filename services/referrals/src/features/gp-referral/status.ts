import type { GpReferralView } from '@vangnet/contracts/http/referrals';

/** What the GP loop needs of one team referral made for the request. */
export interface ReferralOfRequest {
  status: string;
  acceptedAt: Date | null;
  firstContactAt: Date | null;
  endedAt: Date | null;
  closingResult: string | null;
  createdAt: Date;
}

export interface GpStatus {
  status: GpReferralView['status'];
  outcome?: string;
  acceptedAt?: Date;
  firstContactAt?: Date;
  closedAt?: Date;
}

const latest = <T>(rows: T[], at: (row: T) => Date | null) =>
  rows.filter((row) => at(row)).sort((a, b) => (at(b)?.getTime() ?? 0) - (at(a)?.getTime() ?? 0))[0];

/**
 * Where a GP's referral stands, from the referrals made for it (one per
 * team that had it) and whether routing handed it to the coordinator. The
 * furthest step of the referral still held counts: closed with an outcome,
 * first contact made, accepted, routed to a team; with no team holding it,
 * the coordinator has it (every team declined or none fits), else it waits
 * for routing. The practice never learns which team declined or why.
 */
export function gpStatusOf(referrals: ReferralOfRequest[], handedToCoordinatorAt: Date | null): GpStatus {
  const closed = latest(
    referrals.filter((referral) => referral.status === 'closed'),
    (referral) => referral.endedAt,
  );
  if (closed) {
    return {
      status: 'closed',
      ...(closed.closingResult ? { outcome: closed.closingResult } : {}),
      ...(closed.acceptedAt ? { acceptedAt: closed.acceptedAt } : {}),
      ...(closed.firstContactAt ? { firstContactAt: closed.firstContactAt } : {}),
      ...(closed.endedAt ? { closedAt: closed.endedAt } : {}),
    };
  }
  const held = latest(
    referrals.filter((referral) => ['routed', 'accepted', 'in_progress'].includes(referral.status)),
    (referral) => referral.createdAt,
  );
  if (held?.firstContactAt) {
    return {
      status: 'first_contact_made',
      ...(held.acceptedAt ? { acceptedAt: held.acceptedAt } : {}),
      firstContactAt: held.firstContactAt,
    };
  }
  if (held?.acceptedAt) return { status: 'accepted', acceptedAt: held.acceptedAt };
  if (held) return { status: 'routed' };
  if (handedToCoordinatorAt) return { status: 'with_coordinator' };
  // Declined, expired or transferred with no new referral yet: the router is on it.
  return { status: referrals.length > 0 ? 'routed' : 'received' };
}

/**
 * What the practice may be told: the patient's consent for
 * `feedback_to_referrer` decides. Without it the practice knows only that
 * its referral arrived (GDPR art. 9 purpose limitation), whatever happens
 * later; the status webhooks follow the same rule.
 */
export function gpFeedbackOf(
  request: { consentFeedbackToReferrer: boolean; handedToCoordinatorAt: Date | null },
  referrals: ReferralOfRequest[],
): GpStatus {
  if (!request.consentFeedbackToReferrer) return { status: 'received' };
  return gpStatusOf(referrals, request.handedToCoordinatorAt);
}

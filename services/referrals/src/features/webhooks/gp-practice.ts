import type { Transaction } from '../../db.ts';

/**
 * The GP practice (its organisation id, as in its token) that made a
 * referral request, from the request the GP-referrals feature stored. The
 * request row is written before ReferralRequested is published, so any
 * event about the request finds it; a request deleted by retention has no
 * practice left to tell.
 */
export async function gpPracticeOfRequest(tx: Transaction, requestId: string): Promise<string | undefined> {
  const request = await tx.referralRequest.findUnique({
    where: { id: requestId },
    select: { gpOrganisationId: true },
  });
  return request?.gpOrganisationId;
}

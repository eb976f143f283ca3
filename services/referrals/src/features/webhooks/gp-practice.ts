import type { Transaction } from '../../db.ts';

/**
 * The GP practice (its organisation id, as in its token) that made a
 * referral request. GP requests are stored by the GP-referrals feature of
 * this service; until that store exists this finds none, so events about a
 * GP request reach no practice yet. The webhook feature depends on nothing
 * else of that feature: replace the body with its lookup.
 */
export async function gpPracticeOfRequest(_tx: Transaction, _requestId: string): Promise<string | undefined> {
  return undefined;
}

import { z } from 'zod';
import { RoutedItem } from '../networks/routing-decided.v1.ts';

/**
 * What every event about one referral carries: the referral, the item it
 * was made for (a household case or a GP request, so signals and the GP
 * loop find their own record without a lookup) and the team that holds it.
 * A referral is one team's assignment: a re-routing or a transfer makes a
 * new referral for the new team.
 */
export const referralRef = {
  referralId: z.uuid(),
  item: RoutedItem,
  teamId: z.uuid(),
};

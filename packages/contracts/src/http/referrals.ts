import { z } from 'zod';
import { RoutedItem } from '../networks/routing-decided.v1.ts';

export const ReferralStatus = z.enum(['routed']);

export const ReferralSummary = z.object({
  id: z.uuid(),
  teamId: z.uuid(),
  item: RoutedItem,
  status: ReferralStatus,
  deadline: z.iso.date(),
  explanation: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type ReferralSummary = z.infer<typeof ReferralSummary>;

export const ReferralList = z.object({
  items: z.array(ReferralSummary),
});

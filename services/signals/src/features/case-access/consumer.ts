import { RoutingDecidedV1, RoutingDecidedV2 } from '@vangnet/contracts/networks';
import {
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralExpiredV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { type EventHandler, on, upcaster } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { type AccessChange, accessEnded, accessFromRouting } from './decide.ts';

/**
 * RoutingDecided v1 was published before re-routing existed: every v1
 * decision was the first routing of its item.
 */
export const routingDecidedV1ToV2 = upcaster(RoutingDecidedV1, RoutingDecidedV2, (decision) => ({
  ...decision,
  attempt: 1,
  excludedTeamIds: [],
}));

/**
 * Upserts the pair's access when the change supersedes what is stored. The
 * condition is `supersedes` in SQL, so two events for one pair handled at
 * once on two partitions still end in the later one's state.
 */
async function apply(tx: Transaction, change: AccessChange | null) {
  if (!change) return;
  await tx.$executeRaw`
    INSERT INTO case_team_access (case_id, team_id, active, as_of)
    VALUES (${change.caseId}::uuid, ${change.teamId}::uuid, ${change.active}, ${change.asOf})
    ON CONFLICT (case_id, team_id) DO UPDATE SET active = EXCLUDED.active, as_of = EXCLUDED.as_of
     WHERE case_team_access.as_of < EXCLUDED.as_of
        OR (case_team_access.as_of = EXCLUDED.as_of AND case_team_access.active AND NOT EXCLUDED.active)`;
}

/** The handlers of the case-access consumer group: routing opens a team's access, the end of its referral closes it. */
export const caseAccessHandlers = (): EventHandler<Transaction>[] => [
  on<typeof RoutingDecidedV2, Transaction>(
    RoutingDecidedV2,
    async (decision, { tx }) => apply(tx, accessFromRouting(decision)),
    { upcasters: [routingDecidedV1ToV2] },
  ),
  on<typeof ReferralDeclinedV1, Transaction>(ReferralDeclinedV1, async (event, { tx }) =>
    apply(tx, accessEnded(event, event.declinedAt)),
  ),
  on<typeof ReferralExpiredV1, Transaction>(ReferralExpiredV1, async (event, { tx }) =>
    apply(tx, accessEnded(event, event.expiredAt)),
  ),
  on<typeof ReferralTransferredV1, Transaction>(ReferralTransferredV1, async (event, { tx }) =>
    apply(tx, accessEnded(event, event.transferredAt)),
  ),
  on<typeof ReferralClosedV1, Transaction>(ReferralClosedV1, async (event, { tx }) =>
    apply(tx, accessEnded(event, event.closedAt)),
  ),
];

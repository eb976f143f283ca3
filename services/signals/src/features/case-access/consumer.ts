import type { AnyEventDefinition, EventData } from '@vangnet/contracts/events';
import { RoutingDecidedV1, RoutingDecidedV2 } from '@vangnet/contracts/networks';
import {
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralExpiredV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { type EventHandler, on, type Upcaster, upcaster } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { type AccessChange, accessEnded, accessFromRouting, supersedes } from './decide.ts';

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
 * Upserts each pair's access when its change supersedes what is stored. The
 * condition is `supersedes` in SQL, so two events for one pair handled at
 * once on two partitions still end in the later one's state. A run of
 * events (handleMany) is one statement: per pair, the change that
 * supersedes the others of the run, which is what applying them in turn
 * leaves (one statement may not update a row twice).
 */
async function apply(tx: Transaction, changes: readonly (AccessChange | null)[]) {
  const latest = new Map<string, AccessChange>();
  for (const change of changes) {
    if (!change) continue;
    const pair = `${change.caseId} ${change.teamId}`;
    const held = latest.get(pair);
    if (!held || supersedes(held, change)) latest.set(pair, change);
  }
  if (latest.size === 0) return;
  const rows = [...latest.values()];
  await tx.$executeRaw`
    INSERT INTO case_team_access (case_id, team_id, active, as_of)
    SELECT * FROM unnest(${rows.map((row) => row.caseId)}::uuid[], ${rows.map((row) => row.teamId)}::uuid[],
                         ${rows.map((row) => row.active)}::boolean[], ${rows.map((row) => row.asOf)}::timestamptz[])
    ON CONFLICT (case_id, team_id) DO UPDATE SET active = EXCLUDED.active, as_of = EXCLUDED.as_of
     WHERE case_team_access.as_of < EXCLUDED.as_of
        OR (case_team_access.as_of = EXCLUDED.as_of AND case_team_access.active AND NOT EXCLUDED.active)`;
}

/** A handler whose events each make at most one access change, applied one by one or as a run. */
function changing<D extends AnyEventDefinition>(
  definition: D,
  change: (data: EventData<D>) => AccessChange | null,
  upcasters: Upcaster<D>[] = [],
): EventHandler<Transaction> {
  return on<D, Transaction>(definition, async (data, { tx }) => apply(tx, [change(data)]), {
    upcasters,
    handleMany: (items, tx) =>
      apply(
        tx,
        items.map(({ data }) => change(data)),
      ),
  });
}

/** The handlers of the case-access consumer group: routing opens a team's access, the end of its referral closes it. */
export const caseAccessHandlers = (): EventHandler<Transaction>[] => [
  changing(RoutingDecidedV2, accessFromRouting, [routingDecidedV1ToV2]),
  changing(ReferralDeclinedV1, (event) => accessEnded(event, event.declinedAt)),
  changing(ReferralExpiredV1, (event) => accessEnded(event, event.expiredAt)),
  changing(ReferralTransferredV1, (event) => accessEnded(event, event.transferredAt)),
  changing(ReferralClosedV1, (event) => accessEnded(event, event.closedAt)),
];

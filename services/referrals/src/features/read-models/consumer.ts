import { RoutingFailedV1, TeamChangedV1 } from '@vangnet/contracts/networks';
import { CaseOpenedV1, CaseSignalAddedV1 } from '@vangnet/contracts/signals';
import { on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { type FanOutOptions, fanOut } from '../webhooks/fan-out.ts';

/**
 * Keeps the local copy of a team: its municipality (a coordinator sees the
 * teams of its own) and whether it is active (a transfer needs an active
 * team). A message not newer than the one held is ignored, so a replay of
 * the compacted topic never rolls a team back.
 */
export const keepTeam = on<typeof TeamChangedV1, Transaction>(TeamChangedV1, async (team, { tx }) => {
  const state = {
    municipalityCode: team.municipalityCode,
    name: team.name,
    active: team.active,
    revision: team.revision,
    changedAt: new Date(team.changedAt),
  };
  await tx.$executeRaw`
    INSERT INTO team (id, municipality_code, name, active, revision, changed_at)
    VALUES (${team.teamId}::uuid, ${state.municipalityCode}, ${state.name}, ${state.active}, ${state.revision},
            ${state.changedAt})
    ON CONFLICT (id) DO UPDATE SET municipality_code = EXCLUDED.municipality_code, name = EXCLUDED.name,
      active = EXCLUDED.active, revision = EXCLUDED.revision, changed_at = EXCLUDED.changed_at
    WHERE team.revision < EXCLUDED.revision`;
});

const urgencies = ['regular', 'urgent', 'crisis'] as const;
type Urgency = (typeof urgencies)[number];

/**
 * The urgency of a household case, for the inbox filter: the highest of its
 * signals. It may arrive before or after the case's referral (two topics),
 * so it is kept per item and copied onto referrals already made. A run of
 * events (handleMany) is one statement, not three ORM round trips per
 * event: per item the run's highest, raised only above what is held, which
 * is what raising them in turn leaves.
 */
async function raiseUrgency(tx: Transaction, raises: readonly { itemId: string; urgency: Urgency }[]) {
  const highest = new Map<string, Urgency>();
  for (const { itemId, urgency } of raises) {
    const held = highest.get(itemId);
    if (!held || urgencies.indexOf(urgency) > urgencies.indexOf(held)) highest.set(itemId, urgency);
  }
  const itemIds = [...highest.keys()];
  // The rank is the position in this array, in SQL as in `urgencies` above.
  const order = [...urgencies];
  await tx.$executeRaw`
    WITH raised AS (
      INSERT INTO item_urgency (item_id, urgency, updated_at)
      SELECT raise.item_id, raise.urgency, now()
        FROM unnest(${itemIds}::uuid[], ${[...highest.values()]}::text[]) AS raise(item_id, urgency)
      ON CONFLICT (item_id) DO UPDATE SET urgency = EXCLUDED.urgency, updated_at = EXCLUDED.updated_at
       WHERE array_position(${order}::text[], item_urgency.urgency) < array_position(${order}::text[], EXCLUDED.urgency)
      RETURNING item_id, urgency
    )
    UPDATE referral SET urgency = raised.urgency FROM raised WHERE referral.item_id = raised.item_id`;
}

/** A signal's urgency for its case, from either event that carries one. */
const raiseOf = (event: { caseId: string; urgency: Urgency }) => ({ itemId: event.caseId, urgency: event.urgency });

function raising<D extends typeof CaseOpenedV1 | typeof CaseSignalAddedV1>(definition: D) {
  return on<D, Transaction>(definition, (event, { tx }) => raiseUrgency(tx, [raiseOf(event)]), {
    handleMany: (items, tx) =>
      raiseUrgency(
        tx,
        items.map(({ data }) => raiseOf(data)),
      ),
  });
}

export const caseUrgency = raising(CaseOpenedV1);
export const addedSignalUrgency = raising(CaseSignalAddedV1);

/**
 * The router gave the item to no team: no team fits, no team is left, or it
 * refused a transfer (`transfer_refused`: the referral reserved on transfer
 * never comes). For any item the latest referral records it in its history,
 * so the team and the coordinator see where the item went instead of a
 * transfer that vanished; a GP request is with the coordinator, and the
 * referring practice sees that instead of silence, by webhook too, in
 * this transaction.
 */
export const routingFailed = (webhooks: FanOutOptions) =>
  on<typeof RoutingFailedV1, Transaction>(RoutingFailedV1, async (failure, { tx, event }) => {
    const at = new Date(failure.decidedAt);
    const latest = await tx.referral.findFirst({
      where: { itemKind: failure.item.kind, itemId: failure.item.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, status: true },
    });
    if (latest) {
      await tx.referralHistory.create({
        data: {
          referralId: latest.id,
          action: 'routing_failed',
          fromStatus: latest.status,
          toStatus: latest.status,
          code: failure.reason,
          actorKind: 'router',
          actorId: 'router',
          at,
        },
      });
    }
    if (failure.item.kind === 'referral_request') {
      await tx.referralRequest.updateMany({
        where: { id: failure.item.id },
        data: { handedToCoordinatorAt: at },
      });
    }
    await fanOut(tx, { name: 'RoutingFailed', type: RoutingFailedV1.type, attributes: event, data: failure }, webhooks);
  });

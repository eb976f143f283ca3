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

const rank = { regular: 0, urgent: 1, crisis: 2 } as const;

/**
 * The urgency of a household case, for the inbox filter: the highest of its
 * signals. It may arrive before or after the case's referral (two topics),
 * so it is kept per item and copied onto referrals already made.
 */
async function raiseUrgency(tx: Transaction, itemId: string, urgency: keyof typeof rank) {
  const held = await tx.itemUrgency.findUnique({ where: { itemId } });
  if (held && rank[held.urgency as keyof typeof rank] >= rank[urgency]) return;
  await tx.itemUrgency.upsert({
    where: { itemId },
    create: { itemId, urgency },
    update: { urgency, updatedAt: new Date() },
  });
  await tx.referral.updateMany({ where: { itemId }, data: { urgency } });
}

export const caseUrgency = on<typeof CaseOpenedV1, Transaction>(CaseOpenedV1, (event, { tx }) =>
  raiseUrgency(tx, event.caseId, event.urgency),
);
export const addedSignalUrgency = on<typeof CaseSignalAddedV1, Transaction>(CaseSignalAddedV1, (event, { tx }) =>
  raiseUrgency(tx, event.caseId, event.urgency),
);

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

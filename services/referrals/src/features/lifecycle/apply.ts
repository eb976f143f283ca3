import type { OutboxContext } from '@vangnet/messaging/outbox';
import { DomainError } from '@vangnet/platform/problem';
import type { Transaction } from '../../db.ts';
import type { Referral } from '../../generated/prisma/client.ts';
import { emitReferralEvent } from '../../integration/referral-events.ts';
import { type ActionRequest, type Actor, type Decision, decideAction, type ReferralState } from './decide.ts';
import { isReferralStatus } from './state-machine.ts';

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export function toState(row: Referral): ReferralState {
  if (!isReferralStatus(row.status)) throw new Error(`referral ${row.id} has an unknown status`);
  return {
    id: row.id,
    teamId: row.teamId,
    itemKind: row.itemKind as ReferralState['itemKind'],
    itemId: row.itemId,
    status: row.status,
    deadline: isoDate(row.deadline),
    escalatesOn: isoDate(row.escalatesOn),
    escalatedAt: row.escalatedAt,
    firstContactAt: row.firstContactAt,
  };
}

/**
 * Runs one action on one referral inside the caller's transaction: locks the
 * row (two team members accepting and declining at once: one wins, the other
 * gets 409 from the status it then sees), decides, and writes the new state,
 * the history row, the contact attempt, the event to the outbox and the
 * webhook deliveries it causes together.
 * `teamId` scopes the lookup: a referral of another team is not found (404).
 */
export async function applyAction(
  tx: Transaction,
  where: { referralId: string; teamId?: string },
  request: ActionRequest | ((referral: ReferralState) => Promise<ActionRequest>),
  actor: Actor,
  now: Date,
  context: OutboxContext,
): Promise<{ referral: Referral; decision: Decision }> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM referral WHERE id = ${where.referralId}::uuid FOR UPDATE`;
  const row = locked.length ? await tx.referral.findUnique({ where: { id: where.referralId } }) : null;
  if (!row || (where.teamId && row.teamId !== where.teamId)) {
    throw new DomainError('REFERRAL_NOT_FOUND', 'no such referral in this team');
  }
  const state = toState(row);
  const decided = decideAction(state, typeof request === 'function' ? await request(state) : request, actor, now);
  const referral = await tx.referral.update({ where: { id: row.id }, data: decided.update });
  await tx.referralHistory.create({
    data: {
      referralId: row.id,
      ...decided.history,
      actorKind: actor.kind,
      actorId: actor.id,
      actorClient: actor.client ?? null,
      at: now,
    },
  });
  const { event } = decided;
  if (event.type === 'contact_attempted') {
    await tx.contactAttempt.create({
      data: {
        id: event.contactAttemptId,
        referralId: row.id,
        channel: event.channel,
        date: new Date(`${event.date}T00:00:00Z`),
        partOfDay: event.partOfDay,
        reached: event.reached,
        recordedAt: now,
        recordedBy: actor.client ?? actor.id,
      },
    });
  }
  await emitReferralEvent(tx, state, event, { ...context, time: now });
  return { referral, decision: decided };
}

import { randomUUID } from 'node:crypto';
import type { EventData } from '@vangnet/contracts/events';
import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { type BatchItem, on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { type FanOutOptions, fanOutMany } from '../webhooks/fan-out.ts';
import { escalationDateOf, timersOf } from './decide.ts';
import { routingDecidedV1ToV2 } from './upcasters.ts';

const asDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

/**
 * A routing decision becomes a referral in the team's inbox, and a
 * read-only notice in the inbox of every team the rule says to inform. The
 * inbox makes a redelivered event a no-op; the unique decision id (and the
 * reserved referral id of a transfer) also guard a replayed dead letter.
 * Decisions published as v1 arrive here as v2 through the upcaster beside
 * this file, and go to webhooks as v2. The webhook deliveries of the
 * decision (the chosen team, the informed teams, the practice's status)
 * are written here too, with the referral they announce; a decision that
 * made no referral (already applied) announces nothing again.
 */
export const assignReferral = (webhooks: FanOutOptions) =>
  on<typeof RoutingDecidedV2, Transaction>(
    RoutingDecidedV2,
    (decision, { tx, event, trace }) => assignMany([{ data: decision, event, trace }], tx, webhooks),
    {
      upcasters: [routingDecidedV1ToV2],
      handleMany: (items, tx) => assignMany(items, tx, webhooks),
    },
  );

type Decision = EventData<typeof RoutingDecidedV2>;

/** The read-only notices of the teams a decision informs (not the team it chose). */
const noticesOf = (decision: Decision) =>
  [...new Set(decision.informTeamIds)]
    .filter((teamId) => teamId !== decision.teamId)
    .map((teamId) => ({
      id: randomUUID(),
      decisionId: decision.decisionId,
      teamId,
      itemKind: decision.item.kind,
      itemId: decision.item.id,
      assignedTeamId: decision.teamId,
      neighbourhoodCode: decision.neighbourhoodCode ?? null,
    }));

/**
 * Decisions in order, one or a run (a file's backlog), in three statements
 * whatever their number (a restarted inbox replays thousands): every
 * referral with the item's urgency when known and its first history row,
 * the notices of the informed teams, the team deliveries of all. A run that
 * holds one item twice goes one decision at a time, so each reads what the
 * one before wrote (a GP practice's status is read after the run's writes).
 */
async function assignMany(items: BatchItem<Decision>[], tx: Transaction, webhooks: FanOutOptions): Promise<void> {
  if (items.length > 1 && new Set(items.map(({ data }) => data.item.id)).size < items.length) {
    for (const item of items) await assignMany([item], tx, webhooks);
    return;
  }
  const rows: {
    decision: Decision;
    id: string;
    escalatesOn: string;
    expiresAt: Date;
    escalatesAt: Date;
  }[] = [];
  for (const { data: decision } of items) {
    // Only decisions made before networks set the escalation date need the item's earlier referral.
    const earlier = decision.escalatesOn
      ? null
      : await tx.referral.findFirst({
          where: { itemId: decision.item.id },
          orderBy: { createdAt: 'asc' },
          select: { escalatesOn: true },
        });
    const escalatesOn = escalationDateOf(decision, earlier?.escalatesOn.toISOString().slice(0, 10));
    const { expiresAt, escalatesAt } = timersOf(decision.deadline, escalatesOn, decision);
    rows.push({ decision, id: decision.referralId ?? randomUUID(), escalatesOn, expiresAt, escalatesAt });
  }
  const column = <T>(value: (row: (typeof rows)[number]) => T) => rows.map(value);
  // Referrals in the run's order; ON CONFLICT leaves out a decision applied before (or a
  // reserved referral id already used), and its history row with it.
  const created = await tx.$queryRaw<{ decision_id: string }[]>`
    WITH input AS (
      SELECT * FROM unnest(${column((r) => r.id)}::uuid[], ${column((r) => r.decision.decisionId)}::uuid[],
                           ${column((r) => r.decision.teamId)}::uuid[], ${column((r) => r.decision.item.kind)}::text[],
                           ${column((r) => r.decision.item.id)}::uuid[], ${column((r) => asDate(r.decision.deadline))}::date[],
                           ${column((r) => asDate(r.escalatesOn))}::date[], ${column((r) => r.expiresAt)}::timestamptz[],
                           ${column((r) => r.escalatesAt)}::timestamptz[], ${column((r) => r.decision.attempt)}::int[],
                           ${column((r) => r.decision.ruleId)}::text[],
                           ${column((r) => r.decision.neighbourhoodCode ?? null)}::text[],
                           ${column((r) => r.decision.explanation)}::text[],
                           ${column((r) => new Date(r.decision.decidedAt))}::timestamptz[])
             WITH ORDINALITY AS i(id, decision_id, team_id, item_kind, item_id, deadline, escalates_on, expires_at,
                                  escalates_at, attempt, rule_id, neighbourhood_code, explanation, decided_at, position)
    ), created AS (
      INSERT INTO referral (id, decision_id, team_id, item_kind, item_id, status, deadline, escalates_on,
                            expires_at, escalates_at, attempt, rule_id, neighbourhood_code, urgency, explanation,
                            created_at, updated_at)
      SELECT i.id, i.decision_id, i.team_id, i.item_kind, i.item_id, 'routed', i.deadline, i.escalates_on,
             i.expires_at, i.escalates_at, i.attempt, i.rule_id, i.neighbourhood_code,
             COALESCE((SELECT urgency FROM referral_request WHERE id = i.item_id),
                      (SELECT urgency FROM item_urgency WHERE item_id = i.item_id)),
             i.explanation, now(), now()
        FROM input i ORDER BY i.position
      ON CONFLICT DO NOTHING
      RETURNING id, decision_id
    ), history AS (
      INSERT INTO referral_history (referral_id, action, from_status, to_status, code, actor_kind, actor_id, at)
      SELECT c.id, 'route', NULL, 'routed', left(i.rule_id, 100), 'router', i.decision_id::text, i.decided_at
        FROM created c
       -- A decision twice in the run (a replay under a new event id) made one referral: one history row.
       CROSS JOIN LATERAL (SELECT * FROM input WHERE input.decision_id = c.decision_id
                            ORDER BY input.position LIMIT 1) AS i
    )
    SELECT decision_id::text FROM created`;
  // As one by one: the first of a decision's events made its referral; a repeat announces nothing.
  const fresh = new Set(created.map((row) => row.decision_id));
  const applied = items.filter(({ data }) => fresh.delete(data.decisionId));
  const notices = applied.flatMap(({ data }) => noticesOf(data));
  if (notices.length > 0) await tx.referralNotice.createMany({ data: notices, skipDuplicates: true });
  await fanOutMany(
    tx,
    applied.map(({ data, event }) => ({
      name: 'RoutingDecided' as const,
      type: RoutingDecidedV2.type,
      attributes: event,
      data,
    })),
    webhooks,
  );
}

import { randomUUID } from 'node:crypto';
import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { type FanOutOptions, fanOut } from '../webhooks/fan-out.ts';
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
    async (decision, { tx, event }) => {
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
      const id = decision.referralId ?? randomUUID();
      // One statement per decision (a restarted inbox replays thousands): the referral with the item's
      // urgency when known, and its first history row. ON CONFLICT covers both the decision id and a
      // reserved referral id already used; then nothing is written.
      const created = await tx.$executeRaw`
      WITH created AS (
        INSERT INTO referral (id, decision_id, team_id, item_kind, item_id, status, deadline, escalates_on,
                              expires_at, escalates_at, attempt, rule_id, neighbourhood_code, urgency, explanation,
                              created_at, updated_at)
        VALUES (${id}::uuid, ${decision.decisionId}::uuid, ${decision.teamId}::uuid, ${decision.item.kind},
                ${decision.item.id}::uuid, 'routed', ${asDate(decision.deadline)}::date,
                ${asDate(escalatesOn)}::date, ${expiresAt}, ${escalatesAt}, ${decision.attempt}, ${decision.ruleId},
                ${decision.neighbourhoodCode ?? null},
                COALESCE((SELECT urgency FROM referral_request WHERE id = ${decision.item.id}::uuid),
                         (SELECT urgency FROM item_urgency WHERE item_id = ${decision.item.id}::uuid)),
                ${decision.explanation}, now(), now())
        ON CONFLICT DO NOTHING
        RETURNING id
      )
      INSERT INTO referral_history (referral_id, action, from_status, to_status, code, actor_kind, actor_id, at)
      SELECT id, 'route', NULL, 'routed', ${decision.ruleId.slice(0, 100)}, 'router', ${decision.decisionId},
             ${new Date(decision.decidedAt)}
        FROM created`;
      if (created === 0) return;
      const informed = [...new Set(decision.informTeamIds)].filter((teamId) => teamId !== decision.teamId);
      if (informed.length > 0)
        await tx.referralNotice.createMany({
          data: informed.map((teamId) => ({
            id: randomUUID(),
            decisionId: decision.decisionId,
            teamId,
            itemKind: decision.item.kind,
            itemId: decision.item.id,
            assignedTeamId: decision.teamId,
            neighbourhoodCode: decision.neighbourhoodCode ?? null,
          })),
          skipDuplicates: true,
        });
      await fanOut(
        tx,
        { name: 'RoutingDecided', type: RoutingDecidedV2.type, attributes: event, data: decision },
        webhooks,
      );
    },
    { upcasters: [routingDecidedV1ToV2] },
  );

import { randomUUID } from 'node:crypto';
import { RoutingDecidedV1 } from '@vangnet/contracts/networks';
import { on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';

/**
 * A routing decision becomes a referral in the team's inbox. The inbox makes
 * a redelivered event a no-op; the unique decision id also guards a replayed
 * dead letter or a second consumer group by mistake.
 */
export const assignReferral = on<typeof RoutingDecidedV1, Transaction>(RoutingDecidedV1, async (decision, { tx }) => {
  await tx.referral.upsert({
    where: { decisionId: decision.decisionId },
    update: {},
    create: {
      id: randomUUID(),
      decisionId: decision.decisionId,
      teamId: decision.teamId,
      itemKind: decision.item.kind,
      itemId: decision.item.id,
      status: 'routed',
      deadline: new Date(`${decision.deadline}T00:00:00Z`),
      explanation: decision.explanation,
    },
  });
});

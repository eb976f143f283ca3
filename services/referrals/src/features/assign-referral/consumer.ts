import { randomUUID } from 'node:crypto';
import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { routingDecidedV1ToV2 } from './upcasters.ts';

/**
 * A routing decision becomes a referral in the team's inbox. The inbox makes
 * a redelivered event a no-op; the unique decision id also guards a replayed
 * dead letter or a second consumer group by mistake. Decisions published
 * as v1 arrive here as v2 through the upcaster beside this file.
 */
export const assignReferral = on<typeof RoutingDecidedV2, Transaction>(
  RoutingDecidedV2,
  async (decision, { tx }) => {
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
  },
  { upcasters: [routingDecidedV1ToV2] },
);

import { randomUUID } from 'node:crypto';
import { SignalReceivedV1 } from '@vangnet/contracts/signals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { routingEvent } from '../../integration/routing-events.ts';
import { coveragePrefixes, decideRouting } from './decide.ts';

/** Routes each received signal to a team (or to the coordinator) and publishes the outcome. */
export const routeSignal = (eventSource: string) =>
  on<typeof SignalReceivedV1, Transaction>(SignalReceivedV1, async (signal, { tx, trace }) => {
    const coverage = await tx.teamCoverage.findMany({
      where: { postcodePrefix: { in: coveragePrefixes(signal.postcode) } },
      include: { team: true },
    });
    const now = new Date();
    const outcome = decideRouting({
      item: { kind: 'signal', id: signal.signalId },
      postcode: signal.postcode,
      coverage: coverage.map((entry) => ({
        postcodePrefix: entry.postcodePrefix,
        teamId: entry.teamId,
        teamName: entry.team.name,
        teamActive: entry.team.active,
      })),
      now,
    });
    const decisionId = randomUUID();
    await tx.routingDecision.create({
      data: {
        id: decisionId,
        itemKind: outcome.item.kind,
        itemId: outcome.item.id,
        outcome: outcome.outcome,
        teamId: outcome.outcome === 'decided' ? outcome.teamId : null,
        reason: outcome.outcome === 'failed' ? outcome.reason : null,
        explanation: outcome.explanation,
        decidedAt: now,
      },
    });
    await appendToOutbox(tx, [routingEvent(outcome, decisionId, now, { source: eventSource, ...trace })]);
  });

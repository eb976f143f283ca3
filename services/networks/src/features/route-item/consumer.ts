import { randomUUID } from 'node:crypto';
import type { RoutedItem } from '@vangnet/contracts/networks';
import { CaseOpenedV1, SignalReceivedV1 } from '@vangnet/contracts/signals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { type HandlerContext, on } from '@vangnet/messaging/consumer';
import type { Transaction } from '../../db.ts';
import { routingEvent } from '../../integration/routing-events.ts';
import { coveragePrefixes, decideRouting } from './decide.ts';

/** Routes one item to a team (or to the coordinator), records the decision and publishes it. */
async function routeItem(
  item: RoutedItem,
  postcode: string,
  { tx, trace }: HandlerContext<Transaction>,
  eventSource: string,
): Promise<void> {
  const coverage = await tx.teamCoverage.findMany({
    where: { postcodePrefix: { in: coveragePrefixes(postcode) } },
    include: { team: true },
  });
  const now = new Date();
  const outcome = decideRouting({
    item,
    postcode,
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
}

/** A single signal, as the walking skeleton sends it (before household cases). */
export const routeSignal = (eventSource: string) =>
  on<typeof SignalReceivedV1, Transaction>(SignalReceivedV1, (signal, context) =>
    routeItem({ kind: 'signal', id: signal.signalId }, signal.postcode, context, eventSource),
  );

/** A household case: what signals publishes once cases exist; the team works the case. */
export const routeCase = (eventSource: string) =>
  on<typeof CaseOpenedV1, Transaction>(CaseOpenedV1, (opened, context) =>
    routeItem({ kind: 'case', id: opened.caseId }, opened.postcode, context, eventSource),
  );

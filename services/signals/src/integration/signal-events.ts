import type { SignalKind } from '@vangnet/contracts/codes';
import { ageBandOn } from '@vangnet/contracts/codes';
import type { EventData } from '@vangnet/contracts/events';
import { PartnerId } from '@vangnet/contracts/organisations';
import { CaseOpenedV1, CaseSignalAddedV1 } from '@vangnet/contracts/signals';
import { onLane } from '@vangnet/messaging/lanes';
import { type OutboxContext, type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import { type AcceptedSignal, amountBand, type CaseChange } from '../features/receive-signal/decide.ts';

/*
 * The integration events of a household case: what the router and the team
 * inbox need and nothing more. Names, birth dates, contact details, the
 * partner's reference, the house number addition and the exact amount stay
 * in this service; the age and the amount travel as bands.
 */

const signalKind = (signal: Pick<AcceptedSignal, 'type'>): SignalKind => signal.type;
const urgency = (signal: Pick<AcceptedSignal, 'crisis'>) =>
  signal.crisis ? ('crisis' as const) : ('regular' as const);
const bandOf = (signal: Pick<AcceptedSignal, 'arrearsCents'>) =>
  signal.arrearsCents !== null ? { amountBand: amountBand(signal.arrearsCents) } : {};

/** What a case's opening says of the signal that opened it. */
export type OpeningSignal = Pick<
  AcceptedSignal,
  | 'id'
  | 'partnerId'
  | 'type'
  | 'crisis'
  | 'postcode'
  | 'houseNumber'
  | 'arrearsCents'
  | 'subjectDateOfBirth'
  | 'receivedAt'
>;

export function caseOpened(caseId: string, signal: OpeningSignal): EventData<typeof CaseOpenedV1> {
  const today = signal.receivedAt.toISOString().slice(0, 10);
  return {
    caseId,
    firstSignalId: signal.id,
    // A claim networks could not register anyway stays out rather than fail the intake.
    ...(PartnerId.safeParse(signal.partnerId).success ? { partnerId: signal.partnerId } : {}),
    signalKind: signalKind(signal),
    urgency: urgency(signal),
    postcode: signal.postcode,
    houseNumber: signal.houseNumber,
    ...bandOf(signal),
    ...(signal.subjectDateOfBirth ? { ageBand: ageBandOn(signal.subjectDateOfBirth, today) } : {}),
    openedAt: signal.receivedAt.toISOString(),
  };
}

export function caseSignalAdded(caseId: string, signal: AcceptedSignal): EventData<typeof CaseSignalAddedV1> {
  return {
    caseId,
    signalId: signal.id,
    signalKind: signalKind(signal),
    urgency: urgency(signal),
    ...bandOf(signal),
    addedAt: signal.receivedAt.toISOString(),
  };
}

/** How a signal came in: one request, an item of a batch, a row of a file delivery. */
export type IntakeChannel = 'single' | 'batch' | 'file';

/**
 * The outbox row for a signal that opened or joined a case, on its lane:
 * a batch item's or a file row's on the bulk lane (signals.bulk.v1), so a
 * delivery of 100,000 rows queues there and not before single signals; a
 * crisis always on the main topic, whichever way it came, because an
 * eviction or a disconnection must never wait behind bulk work.
 */
export function caseEventMessage(
  caseChange: NonNullable<CaseChange>,
  signal: AcceptedSignal,
  context: OutboxContext,
  channel: IntakeChannel,
): OutboxMessage {
  const message =
    caseChange.kind === 'opened'
      ? outboxMessage(CaseOpenedV1, caseOpened(caseChange.caseId, signal), context)
      : outboxMessage(CaseSignalAddedV1, caseSignalAdded(caseChange.caseId, signal), context);
  return onLane(message, channel === 'single' || signal.crisis ? 'main' : 'bulk');
}

/**
 * A crisis that joins a case also repeats the case's opening, on the main
 * topic: a case opened by a file row may still wait for its routing on the
 * bulk lane, and the eviction or disconnection must not wait with it. The
 * repeat is the case's own opening (its first signal's kind, bands, sender
 * and time) with the urgency raised to crisis. The router routes an
 * unrouted case at once and ignores the bulk lane's opening when it comes;
 * for a case routed before, the repeat is an opening it has seen.
 */
export function crisisReopening(caseId: string, first: OpeningSignal, context: OutboxContext): OutboxMessage {
  return onLane(outboxMessage(CaseOpenedV1, caseOpened(caseId, { ...first, crisis: true }), context), 'main');
}

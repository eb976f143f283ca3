import type { EventData } from '@vangnet/contracts/events';
import type { SignalReceivedV1 } from '@vangnet/contracts/signals';
import { type AcceptedSignal, amountBand } from '../features/receive-signal/decide.ts';

/**
 * The integration event for an accepted signal: what the router needs and
 * nothing more. The house number addition, the partner's reference and the
 * exact amount stay here.
 */
export function signalReceived(signal: AcceptedSignal): EventData<typeof SignalReceivedV1> {
  return {
    signalId: signal.id,
    signalType: signal.type,
    postcode: signal.postcode,
    houseNumber: signal.houseNumber,
    crisis: false,
    amountBand: amountBand(signal.arrearsCents),
    receivedAt: signal.receivedAt.toISOString(),
  };
}

import type { SignalResponse } from '@vangnet/contracts/http/signals';
import type { SignalType } from '@vangnet/contracts/signals';

/** The partner's view of a signal: what it sent and where it stands, nothing of the household. */
export function toSignalResponse(signal: {
  id: string;
  reference: string;
  type: string;
  receivedAt: Date;
}): SignalResponse {
  return {
    id: signal.id,
    reference: signal.reference,
    type: signal.type as SignalType,
    status: 'received',
    receivedAt: signal.receivedAt.toISOString(),
  };
}

import type { SignalRequestType, SignalResponse, SignalStatus } from '@vangnet/contracts/http/signals';

/** The partner's view of a signal: what it sent and where it stands (purpose-limited), nothing of the household. */
export function toSignalResponse(signal: {
  id: string;
  reference: string;
  type: string;
  feedbackStatus: string;
  caseId: string | null;
  receivedAt: Date;
}): SignalResponse {
  return {
    id: signal.id,
    reference: signal.reference,
    type: signal.type as SignalRequestType,
    status: signal.feedbackStatus as SignalStatus,
    ...(signal.caseId ? { caseId: signal.caseId } : {}),
    receivedAt: signal.receivedAt.toISOString(),
  };
}

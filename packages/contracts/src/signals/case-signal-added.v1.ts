import { z } from 'zod';
import { SignalKind, Urgency } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { AmountBand } from './signal-received.v1.ts';

/**
 * Another signal joined an open case (same household within the matching
 * period). The team that holds the case learns that the situation changed:
 * a new creditor, a crisis (disconnection announced) or higher arrears may
 * make it act sooner. Ids, kind, urgency and band only.
 */
export const CaseSignalAddedV1 = defineEvent({
  domain: 'signals',
  name: 'CaseSignalAdded',
  version: 1,
  topic: topics.signalsEvents,
  summary: 'Another signal joined an open household case.',
  schema: z.strictObject({
    caseId: z.uuid(),
    signalId: z.uuid(),
    signalKind: SignalKind,
    urgency: Urgency,
    amountBand: AmountBand.optional(),
    addedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.caseId,
});

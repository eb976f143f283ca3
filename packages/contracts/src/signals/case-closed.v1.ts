import { z } from 'zod';
import { ClosingResult } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';

/**
 * A case was closed with a DDAS closing result, after the team closed its
 * referral or by signals itself (a repeat, a subject not resident). Other
 * services close what they still hold for the case, and the result feeds
 * the municipal monitor. Only signals tells the creditor anything, because
 * only signals applies the purpose limitation to the result.
 */
export const CaseClosedV1 = defineEvent({
  domain: 'signals',
  name: 'CaseClosed',
  version: 1,
  topic: topics.signalsEvents,
  summary: 'A household case was closed with a closing result.',
  schema: z.strictObject({
    caseId: z.uuid(),
    result: ClosingResult,
    closedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.caseId,
});

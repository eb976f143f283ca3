import { z } from 'zod';
import { AgeBand, EventPostcode, HouseNumber, MunicipalityCode, SignalKind, Urgency } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { AmountBand } from './signal-received.v1.ts';

/**
 * A signal for a household that had no open case opened one: from now on
 * the team works the case, not the single signals. This is what networks
 * routes, so it carries the routing inputs and nothing more: the address as
 * postcode and house number (to find the neighbourhood), the kind and
 * urgency of the first signal, an amount band and, for a school's signal
 * about a minor, an age band. Names and contact details stay in signals.
 */
export const CaseOpenedV1 = defineEvent({
  domain: 'signals',
  name: 'CaseOpened',
  version: 1,
  topic: topics.signalsEvents,
  summary: 'A household case was opened by its first signal; networks routes it to a team.',
  schema: z.strictObject({
    caseId: z.uuid(),
    firstSignalId: z.uuid().describe('The signal that opened the case.'),
    municipalityCode: MunicipalityCode.optional(),
    signalKind: SignalKind,
    urgency: Urgency,
    postcode: EventPostcode,
    houseNumber: HouseNumber,
    amountBand: AmountBand.optional(),
    ageBand: AgeBand.optional(),
    openedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.caseId,
});

import { z } from 'zod';
import { AgeBand, EventPostcode, HouseNumber, MunicipalityCode, SignalKind, Urgency } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { PartnerId } from '../organisations.ts';
import { topics } from '../topics.ts';
import { AmountBand } from './signal-received.v1.ts';

/**
 * A signal for a household that had no open case opened one: from now on
 * the team works the case, not the single signals. This is what networks
 * routes, so it carries the routing inputs and nothing more: the address as
 * postcode and house number (to find the neighbourhood), the kind and
 * urgency of the first signal, an amount band and, for a school's signal
 * about a minor, an age band. Names and contact details stay in signals.
 * `partnerId` (the sender's `org` claim, an organisation, not a person) was
 * added later and is optional: for an address the postcode map does not
 * know, networks queues the case for the municipality the sender is
 * registered for, so it lands with a person instead of nowhere.
 *
 * A case's opening may come twice, under two event ids: when a crisis joins
 * a case before it is routed, signals repeats the opening on the main topic
 * with `urgency: crisis` (the same case, first signal and time), because the
 * first one may wait on the bulk lane. A consumer takes an opening of a case
 * it knows as what it is: the router routes a case once.
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
    partnerId: PartnerId.optional().describe(
      "The sending partner organisation (its tokens' `org` claim); absent in older events.",
    ),
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

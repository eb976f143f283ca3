import { z } from 'zod';
import { AgeBand, ConcernCode, EventPostcode, HouseNumber, MunicipalityCode, Urgency } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { PartnerId } from '../organisations.ts';
import { topics } from '../topics.ts';

/**
 * A GP practice asked for a welfare coach (Welzijn op Recept) and referrals
 * recorded the request with the patient's consent. No referral exists yet:
 * networks routes the request first (item kind `referral_request`), so the
 * key is the request id. Health data is special-category data: the event
 * holds only coded concerns, an age band, urgency and the address as
 * postcode and house number for the neighbourhood; the patient's name,
 * contact details and the GP's note stay in referrals.
 */
export const ReferralRequestedV1 = defineEvent({
  domain: 'referrals',
  name: 'ReferralRequested',
  version: 1,
  topic: topics.referralsEvents,
  summary: 'A GP referral request (Welzijn op Recept) waits to be routed to a team.',
  schema: z.strictObject({
    requestId: z.uuid(),
    municipalityCode: MunicipalityCode.optional(),
    partnerId: PartnerId.optional().describe(
      "The referring practice (its tokens' `org` claim); networks queues an address the map does not know for the " +
        'municipality the practice is registered for. Added later: absent in older events.',
    ),
    postcode: EventPostcode,
    houseNumber: HouseNumber,
    ageBand: AgeBand,
    urgency: Urgency,
    concernCodes: z.array(ConcernCode).min(1).max(10),
    requestedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.requestId,
});

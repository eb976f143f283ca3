import { z } from 'zod';
import { MunicipalityCode, SignalKind } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { OrganisationKind, PartnerId } from '../organisations.ts';
import { topics } from '../topics.ts';
import { entityState } from './entity-state.ts';

/** Organisations that send signals or referrals into a municipality's network. */
export const PartnerKind = OrganisationKind.extract(['landlord', 'energy', 'water', 'health_insurer', 'school', 'gp']);
export type PartnerKind = z.infer<typeof PartnerKind>;

/**
 * A partner organisation joined, changed or left a municipality's network.
 * Signals and referrals keep it to accept signals only from active partners
 * of the kinds agreed, and to know where feedback may go. `partnerId` is the
 * `org` claim of the partner's tokens. No name: a GP practice is often named
 * after its GP, and the services need none to do their work.
 */
export const PartnerChangedV1 = defineEvent({
  domain: 'networks',
  name: 'PartnerChanged',
  version: 1,
  topic: topics.networksEvents,
  summary: "A partner organisation's current state: kind, municipalities, signal kinds, active.",
  schema: z.strictObject({
    partnerId: PartnerId,
    kind: PartnerKind,
    municipalityCodes: z.array(MunicipalityCode).min(1).max(400),
    signalKinds: z
      .array(SignalKind)
      .max(20)
      .describe('The signal kinds this partner may send under the agreements made with it.'),
    ...entityState,
  }),
  key: (data) => `partner:${data.partnerId}`,
});

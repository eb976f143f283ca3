import { z } from 'zod';
import { DistrictCode, MunicipalityCode, NeighbourhoodCode } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { entityState } from './entity-state.ts';

/**
 * A neighbourhood (CBS buurt) was added or changed: its district and
 * municipality and its public CBS name, so that other services can group
 * and show cases by area without a copy of networks' postcode map. The map
 * itself (postcode and house number to neighbourhood) stays in networks.
 */
export const NeighbourhoodChangedV1 = defineEvent({
  domain: 'networks',
  name: 'NeighbourhoodChanged',
  version: 1,
  topic: topics.networksEvents,
  summary: "A neighbourhood's current state: its district, municipality, CBS name, active.",
  schema: z.strictObject({
    neighbourhoodCode: NeighbourhoodCode,
    districtCode: DistrictCode,
    municipalityCode: MunicipalityCode,
    name: z.string().min(1).max(200),
    ...entityState,
  }),
  key: (data) => `neighbourhood:${data.neighbourhoodCode}`,
});

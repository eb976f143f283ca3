import { z } from 'zod';
import { MunicipalityCode, NeighbourhoodCode, TeamSpecialism } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { entityState } from './entity-state.ts';

/**
 * A team was created or changed; the message is the team's whole current
 * state (event-carried state transfer on a compacted topic, see
 * entity-state.ts). Referrals keeps a read model of teams from it to show
 * a team its inbox and check that a team exists and is active; specialisms,
 * coverage and capacity are what routing and its explanations refer to.
 * The team's name is an organisation's name, not a person's; the members
 * and their contact details are not in the event.
 */
export const TeamChangedV1 = defineEvent({
  domain: 'networks',
  name: 'TeamChanged',
  version: 1,
  topic: topics.networksEvents,
  summary: "A team's current state: name, specialisms, covered neighbourhoods, capacity, active.",
  schema: z.strictObject({
    teamId: z.uuid(),
    municipalityCode: MunicipalityCode,
    name: z.string().min(1).max(200),
    specialisms: z.array(TeamSpecialism).max(10),
    neighbourhoodCodes: z.array(NeighbourhoodCode).max(1000),
    capacity: z.number().int().min(0).describe('Open cases the team can carry; routing skips a team at capacity.'),
    ...entityState,
  }),
  key: (data) => `team:${data.teamId}`,
});

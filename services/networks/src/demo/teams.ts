import type { TeamDefinition } from '../features/manage-teams/store.ts';

/**
 * The fictional municipality of the demo: Zeedorp (GM9901 is not a real CBS
 * code), two neighbourhood teams, one per postcode area. No real persons or
 * organisations. infra/src/demo-data.ts quotes the first team in the example
 * commands `pnpm start` prints.
 */
const demoMunicipalityCode = 'GM9901';

export const demoTeams: TeamDefinition[] = [
  {
    id: '0b6c1f52-3f0e-4a51-9a55-000000000001',
    name: 'Buurtteam Zeedorp-Noord',
    municipalityCode: demoMunicipalityCode,
    postcodePrefixes: ['9901'],
  },
  {
    id: '0b6c1f52-3f0e-4a51-9a55-000000000002',
    name: 'Buurtteam Zeedorp-Zuid',
    municipalityCode: demoMunicipalityCode,
    postcodePrefixes: ['9902'],
  },
];

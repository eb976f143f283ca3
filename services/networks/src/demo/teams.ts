import type { RuleInput } from '../features/manage-rules/validate.ts';
import type { TeamDefinition } from '../features/manage-teams/store.ts';
import type { PostcodeRangeRow } from '../features/map-postcode/lookup.ts';

/**
 * The fictional municipality of the demo: Zeedorp (GM9901 is not a real CBS
 * code), two districts, three neighbourhoods, two neighbourhood teams and
 * the welfare coaches for GP referrals. No real persons or organisations.
 * infra/src/demo-data.ts quotes the first team in the example commands
 * `pnpm start` prints: every 9901xx address must keep routing to it.
 */
export const demoMunicipality = { code: 'GM9901', name: 'Zeedorp' };

export const demoDistricts = [
  { code: 'WK990101', municipalityCode: 'GM9901', name: 'Zeedorp-Noord' },
  { code: 'WK990102', municipalityCode: 'GM9901', name: 'Zeedorp-Zuid' },
];

export const demoNeighbourhoods = [
  { code: 'BU99010101', districtCode: 'WK990101', name: 'Haven' },
  { code: 'BU99010102', districtCode: 'WK990101', name: 'Duinkant' },
  { code: 'BU99010201', districtCode: 'WK990102', name: 'Polder' },
];

/** PC4 areas, with one PC6 carved out to show the PC6-before-PC4 lookup. */
export const demoPostcodeMap: PostcodeRangeRow[] = [
  { postcode: '9901', houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: 'BU99010101' },
  { postcode: '9901ZA', houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: 'BU99010102' },
  { postcode: '9902', houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: 'BU99010201' },
];

const noord = '0b6c1f52-3f0e-4a51-9a55-000000000001';
const zuid = '0b6c1f52-3f0e-4a51-9a55-000000000002';
const coaches = '0b6c1f52-3f0e-4a51-9a55-000000000003';

export const demoTeams: TeamDefinition[] = [
  {
    id: noord,
    name: 'Buurtteam Zeedorp-Noord',
    municipalityCode: 'GM9901',
    specialisms: ['general_social_work', 'debt_and_money'],
    neighbourhoodCodes: ['BU99010101', 'BU99010102'],
    capacity: 50,
  },
  {
    id: zuid,
    name: 'Buurtteam Zeedorp-Zuid',
    municipalityCode: 'GM9901',
    specialisms: ['general_social_work', 'debt_and_money'],
    neighbourhoodCodes: ['BU99010201'],
    capacity: 50,
  },
  {
    id: coaches,
    name: 'Welzijnscoaches Zeedorp',
    municipalityCode: 'GM9901',
    specialisms: ['welfare_coaching'],
    neighbourhoodCodes: ['BU99010101', 'BU99010102', 'BU99010201'],
    capacity: 40,
  },
];

export const demoRules: RuleInput[] = [
  { id: 'gp-welfare-coach', match: { itemKinds: ['gp_referral'] }, teamId: coaches, deadlineWorkingDays: 5 },
  {
    id: 'crisis-noord',
    match: { urgencies: ['crisis'], districtCodes: ['WK990101'] },
    teamId: noord,
    deadlineWorkingDays: 1,
  },
  { id: 'noord', match: { districtCodes: ['WK990101'] }, teamId: noord, deadlineWorkingDays: 5 },
  { id: 'zuid', match: { districtCodes: ['WK990102'] }, teamId: zuid, deadlineWorkingDays: 5 },
  // When Noord is full its items go to Zuid rather than straight to the coordinator.
  { id: 'noord-overflow', match: { districtCodes: ['WK990101'] }, teamId: zuid, deadlineWorkingDays: 5 },
];

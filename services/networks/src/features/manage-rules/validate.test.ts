import { describe, expect, it } from 'vitest';
import { type RuleInput, ruleListProblems } from './validate.ts';

const active = '00000000-0000-4000-8000-000000000001';
const inactive = '00000000-0000-4000-8000-000000000002';
const elsewhere = '00000000-0000-4000-8000-000000000003';
const teams = [
  { id: active, municipalityCode: 'GM9901', active: true },
  { id: inactive, municipalityCode: 'GM9901', active: false },
  { id: elsewhere, municipalityCode: 'GM9902', active: true },
];
const areas = { districtCodes: new Set(['WK990101']), neighbourhoodCodes: new Set(['BU99010101']) };
const rule = (overrides: Partial<RuleInput> = {}): RuleInput => ({
  id: 'r1',
  match: {},
  teamId: active,
  deadlineWorkingDays: 5,
  ...overrides,
});
const problems = (rules: RuleInput[]) => ruleListProblems('GM9901', rules, teams, areas);

describe('rules are checked when written', () => {
  it('when every team and area is known and active, then the list is accepted', () => {
    expect(problems([rule({ match: { districtCodes: ['WK990101'], neighbourhoodCodes: ['BU99010101'] } })])).toEqual(
      [],
    );
  });

  it('when a rule names an unknown team, or one of another municipality, then it is refused with a pointer', () => {
    expect(problems([rule(), rule({ id: 'r2', teamId: elsewhere })])).toEqual([
      expect.objectContaining({ pointer: '/rules/1/teamId', code: 'RULE_TEAM_UNKNOWN' }),
    ]);
  });

  it('when an enabled rule assigns to or informs an inactive team, then it is refused', () => {
    expect(problems([rule({ teamId: inactive }), rule({ id: 'r2', informTeamIds: [active, inactive] })])).toEqual([
      expect.objectContaining({ pointer: '/rules/0/teamId', code: 'RULE_TEAM_INACTIVE' }),
      expect.objectContaining({ pointer: '/rules/1/informTeamIds/1', code: 'RULE_TEAM_INACTIVE' }),
    ]);
  });

  it('when a switched-off rule names an inactive team, then it may stay in the list', () => {
    expect(problems([rule({ teamId: inactive, enabled: false })])).toEqual([]);
  });

  it('when a rule matches an area outside the municipality, then it is refused', () => {
    expect(problems([rule({ match: { neighbourhoodCodes: ['BU99020101'], districtCodes: ['WK990201'] } })])).toEqual([
      expect.objectContaining({ pointer: '/rules/0/match/districtCodes/0', code: 'RULE_AREA_UNKNOWN' }),
      expect.objectContaining({ pointer: '/rules/0/match/neighbourhoodCodes/0', code: 'RULE_AREA_UNKNOWN' }),
    ]);
  });

  it('when two rules share an id, then the second is refused', () => {
    expect(problems([rule(), rule()])).toEqual([
      expect.objectContaining({ pointer: '/rules/1/id', code: 'RULE_DUPLICATE_ID' }),
    ]);
  });
});

import { holidayCalendar } from '@vangnet/platform/working-days';
import { describe, expect, it } from 'vitest';
import { decideRouting, type RoutingFacts, type RoutingRule, type TeamState } from './decide.ts';

const now = new Date('2026-11-23T09:00:00Z'); // a Monday
const noord = { code: 'BU99010101', districtCode: 'WK990101', municipalityCode: 'GM9901' };
const zuid = { code: 'BU99010201', districtCode: 'WK990102', municipalityCode: 'GM9901' };

const teamId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const team = (n: number, overrides: Partial<TeamState> = {}): TeamState => ({
  id: teamId(n),
  name: `Team ${n}`,
  active: true,
  capacity: 10,
  openAssignments: 0,
  ...overrides,
});
const rule = (id: string, n: number, match: RoutingRule['match'] = {}, overrides: Partial<RoutingRule> = {}) => ({
  id,
  enabled: true,
  match,
  teamId: teamId(n),
  informTeamIds: [],
  deadlineWorkingDays: 5,
  ...overrides,
});
const rent: RoutingFacts = {
  item: { kind: 'case', id: '6b0f6d1e-5b8a-4a57-9d43-0a4a1f1c2b3d' },
  kind: 'rent',
  urgency: 'regular',
  amountBand: '500_to_2000',
};
const teams = [team(1), team(2), team(3)];

const decide = (input: Partial<Parameters<typeof decideRouting>[0]>) =>
  decideRouting({ facts: rent, neighbourhood: noord, rules: [], teams, now, ...input });

describe('rule order', () => {
  it('when two rules match, then the first in the list wins', () => {
    const outcome = decide({ rules: [rule('a', 1), rule('b', 2)] });
    expect(outcome).toMatchObject({ outcome: 'decided', teamId: teamId(1), ruleId: 'a', passedOver: [] });
  });

  it('when the first rule does not match, then the next matching one decides', () => {
    const outcome = decide({ rules: [rule('youth', 1, { itemKinds: ['school_absence'] }), rule('rest', 2)] });
    expect(outcome).toMatchObject({ outcome: 'decided', teamId: teamId(2), ruleId: 'rest' });
  });

  it('when a rule is switched off, then it is skipped even though it matches', () => {
    const outcome = decide({ rules: [rule('off', 1, {}, { enabled: false }), rule('on', 2)] });
    expect(outcome).toMatchObject({ outcome: 'decided', teamId: teamId(2) });
  });

  it('gives the deadline and the escalation in working days of the rule, on the holiday calendar', () => {
    expect(decide({ rules: [rule('a', 1, {}, { deadlineWorkingDays: 3 })] })).toMatchObject({
      deadline: '2026-11-26',
      escalation: '2026-12-04',
    });
    const dayOff = holidayCalendar({ extra: { 2026: ['2026-11-24'] } });
    expect(decide({ rules: [rule('a', 1, {}, { deadlineWorkingDays: 3 })], holidays: dayOff })).toMatchObject({
      deadline: '2026-11-27',
    });
  });

  it('when the rule has a deadline in minutes, then the item expires that long from now and escalates at three times it, weekend or not', () => {
    const friday = new Date('2026-11-27T22:50:00Z'); // 23:50 on a Friday in Amsterdam
    const outcome = decide({ rules: [rule('short', 1, {}, { deadlineMinutes: 20 })], now: friday });
    expect(outcome).toMatchObject({
      outcome: 'decided',
      expiresAt: '2026-11-27T23:10:00.000Z',
      escalatesAt: '2026-11-27T23:50:00.000Z',
      // The Amsterdam days of those instants: Saturday, no working-day shift.
      deadline: '2026-11-28',
      escalation: '2026-11-28',
    });
  });

  it('when the rule has no deadline in minutes, then the decision names no instants', () => {
    expect(decide({ rules: [rule('days', 1)] })).not.toHaveProperty('expiresAt');
  });

  it('informs the other teams of the rule, but never the chosen team or an inactive one', () => {
    const outcome = decide({
      teams: [team(1), team(2), team(3, { active: false })],
      rules: [rule('a', 1, {}, { informTeamIds: [teamId(2), teamId(1), teamId(3), teamId(2)] })],
    });
    expect(outcome).toMatchObject({ outcome: 'decided', informTeamIds: [teamId(2)] });
  });
});

describe('each matcher', () => {
  const cases: [string, RoutingRule['match'], Partial<RoutingFacts>, boolean][] = [
    ['item kind matches', { itemKinds: ['rent', 'energy'] }, {}, true],
    ['item kind differs', { itemKinds: ['energy'] }, {}, false],
    [
      'GP concern matches',
      { concernCodes: ['money_worries'] },
      { kind: 'gp_referral', concernCodes: ['stress', 'money_worries'] },
      true,
    ],
    ['GP concern differs', { concernCodes: ['loneliness'] }, { kind: 'gp_referral', concernCodes: ['stress'] }, false],
    ['concern asked, item has none', { concernCodes: ['loneliness'] }, {}, false],
    ['district matches', { districtCodes: ['WK990101'] }, {}, true],
    ['district differs', { districtCodes: ['WK990102'] }, {}, false],
    ['neighbourhood matches', { neighbourhoodCodes: ['BU99010101'] }, {}, true],
    ['neighbourhood differs', { neighbourhoodCodes: ['BU99010201'] }, {}, false],
    ['age band matches', { ageBands: ['12_to_17'] }, { ageBand: '12_to_17' }, true],
    ['age band asked, item has none', { ageBands: ['12_to_17'] }, {}, false],
    ['crisis matches', { urgencies: ['crisis'] }, { urgency: 'crisis' }, true],
    ['crisis asked, item regular', { urgencies: ['crisis'] }, {}, false],
    ['amount band matches', { amountBands: ['500_to_2000', 'over_5000'] }, {}, true],
    ['amount band differs', { amountBands: ['over_5000'] }, {}, false],
    [
      'all conditions hold',
      { itemKinds: ['rent'], districtCodes: ['WK990101'], amountBands: ['500_to_2000'] },
      {},
      true,
    ],
    ['one condition of several fails', { itemKinds: ['rent'], districtCodes: ['WK990102'] }, {}, false],
    ['empty lists match everything', { itemKinds: [], ageBands: [] }, {}, true],
  ];
  it.each(cases)('when %s, then the rule %s', (_, match, facts, matches) => {
    const outcome = decide({ facts: { ...rent, ...facts }, rules: [rule('r', 1, match)] });
    expect(outcome.outcome).toBe(matches ? 'decided' : 'failed');
  });
});

describe('capacity, inactive teams and re-routing', () => {
  it('when the first team is at capacity, then the next matching rule decides and the decision says why', () => {
    const outcome = decide({
      teams: [team(1, { capacity: 3, openAssignments: 3 }), team(2)],
      rules: [rule('first', 1), rule('second', 2)],
    });
    expect(outcome).toMatchObject({
      outcome: 'decided',
      teamId: teamId(2),
      ruleId: 'second',
      passedOver: [{ ruleId: 'first', teamId: teamId(1), reason: 'at_capacity' }],
    });
    expect(outcome.explanation).toContain('Team 1 is at capacity');
  });

  it('when every matching team is at capacity, then routing fails for the coordinator with that reason', () => {
    const outcome = decide({ teams: [team(1, { capacity: 0 })], rules: [rule('only', 1)] });
    expect(outcome).toMatchObject({ outcome: 'failed', reason: 'all_teams_at_capacity', municipalityCode: 'GM9901' });
  });

  it('when re-routing, then teams that had the item are skipped', () => {
    const outcome = decide({
      rules: [rule('first', 1), rule('second', 2)],
      round: { attempt: 2, excludedTeamIds: [teamId(1)] },
    });
    expect(outcome).toMatchObject({
      outcome: 'decided',
      teamId: teamId(2),
      passedOver: [{ ruleId: 'first', reason: 'excluded' }],
    });
  });

  it('when every matching team had the item, then no team is left', () => {
    const outcome = decide({ rules: [rule('first', 1)], round: { attempt: 2, excludedTeamIds: [teamId(1)] } });
    expect(outcome).toMatchObject({ outcome: 'failed', reason: 'no_team_left' });
  });

  it('when a rule names an inactive or unknown team, then it is passed over and reported', () => {
    const outcome = decide({
      teams: [team(1, { active: false }), team(3)],
      rules: [rule('gone', 1), rule('missing', 2), rule('last', 3)],
    });
    expect(outcome).toMatchObject({
      outcome: 'decided',
      teamId: teamId(3),
      passedOver: [
        { ruleId: 'gone', reason: 'inactive' },
        { ruleId: 'missing', reason: 'unknown_team' },
      ],
    });
  });
});

describe('no team', () => {
  it('when the address is in no neighbourhood, then routing fails with that reason', () => {
    expect(decide({ neighbourhood: undefined, rules: [rule('a', 1)] })).toMatchObject({
      outcome: 'failed',
      reason: 'no_neighbourhood_for_address',
    });
  });

  it('when no rule matches, then routing fails with no_matching_rule and names the neighbourhood', () => {
    const outcome = decide({ neighbourhood: zuid, rules: [rule('noord', 1, { neighbourhoodCodes: [noord.code] })] });
    expect(outcome).toMatchObject({ outcome: 'failed', reason: 'no_matching_rule' });
    expect(outcome.explanation).toContain('BU99010201');
  });

  it('keeps the explanation within the 500 characters an event carries', () => {
    const many = Array.from({ length: 40 }, (_, n) => rule(`rule-with-a-long-name-${n}`, 1));
    const outcome = decide({ teams: [team(1, { capacity: 0 })], rules: many });
    expect(outcome.explanation.length).toBeLessThanOrEqual(500);
  });
});

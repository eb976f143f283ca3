import { describe, expect, it } from 'vitest';
import { decideRouting } from '../route-item/decide.ts';
import { decideAfterReferralEnded, decideTransfer, type RoutedItemState, type TransferTarget } from './decide.ts';

const now = new Date('2026-11-23T09:00:00Z'); // a Monday
const teamId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const item = { kind: 'case' as const, id: '6b0f6d1e-5b8a-4a57-9d43-0a4a1f1c2b3d' };
const held = (overrides: Partial<RoutedItemState> = {}): RoutedItemState => ({
  item,
  municipalityCode: 'GM9901',
  neighbourhoodCode: 'BU99010101',
  attempt: 1,
  teamId: teamId(1),
  excludedTeamIds: [],
  ruleId: 'north',
  deadlineWorkingDays: 5,
  escalatesOn: '2026-12-14',
  ...overrides,
});
const target = (n: number, overrides: Partial<TransferTarget> = {}): TransferTarget => ({
  id: teamId(n),
  name: `Team ${n}`,
  municipalityCode: 'GM9901',
  active: true,
  capacity: 10,
  openAssignments: 0,
  ...overrides,
});
const transfer = (to: number, by: 'team' | 'coordinator' = 'team', from = 1) => ({
  teamId: teamId(from),
  toTeamId: teamId(to),
  newReferralId: '1c8e5b4a-2f9d-4d07-a63e-b0f7c2e91d45',
  transferredBy: by,
});

describe('after a decline or an expired deadline', () => {
  it('when the team holding the item declines, then it is routed again with that team left out', () => {
    expect(decideAfterReferralEnded(held(), { teamId: teamId(1), why: 'declined' })).toEqual({
      action: 'reroute',
      round: { attempt: 2, excludedTeamIds: [teamId(1)] },
    });
  });

  it('when the second team lets it expire, then every team that had it is left out', () => {
    const state = held({ attempt: 2, teamId: teamId(2), excludedTeamIds: [teamId(1)] });
    expect(decideAfterReferralEnded(state, { teamId: teamId(2), why: 'expired' })).toEqual({
      action: 'reroute',
      round: { attempt: 3, excludedTeamIds: [teamId(1), teamId(2)] },
    });
  });

  it('when a team that no longer holds the item declines late, then nothing is routed again', () => {
    const state = held({ attempt: 2, teamId: teamId(2), excludedTeamIds: [teamId(1)] });
    expect(decideAfterReferralEnded(state, { teamId: teamId(1), why: 'declined' })).toMatchObject({ action: 'none' });
    expect(decideAfterReferralEnded(held({ teamId: null }), { teamId: teamId(1), why: 'declined' })).toMatchObject({
      action: 'none',
    });
  });

  it('when the item has been routed a hundred times, then the coordinator decides', () => {
    expect(decideAfterReferralEnded(held({ attempt: 100 }), { teamId: teamId(1), why: 'declined' })).toMatchObject({
      action: 'to_coordinator',
    });
  });

  it('re-routes past the declining team to the next rule, and to no_team_left when none is left', () => {
    const rules = [1, 2].map((n) => ({
      id: `rule-${n}`,
      enabled: true,
      match: {},
      teamId: teamId(n),
      informTeamIds: [],
      deadlineWorkingDays: 5,
    }));
    const teams = [1, 2].map((n) => ({ ...target(n) }));
    const facts = { item, kind: 'rent' as const, urgency: 'regular' as const };
    const neighbourhood = { code: 'BU99010101', districtCode: 'WK990101', municipalityCode: 'GM9901' };
    const first = decideAfterReferralEnded(held(), { teamId: teamId(1), why: 'declined' });
    if (first.action !== 'reroute') throw new Error('expected a re-routing');
    expect(decideRouting({ facts, neighbourhood, rules, teams, round: first.round, now })).toMatchObject({
      outcome: 'decided',
      teamId: teamId(2),
      passedOver: [{ ruleId: 'rule-1', reason: 'excluded' }],
    });
    const second = decideAfterReferralEnded(held({ attempt: 2, teamId: teamId(2), excludedTeamIds: [teamId(1)] }), {
      teamId: teamId(2),
      why: 'declined',
    });
    if (second.action !== 'reroute') throw new Error('expected a re-routing');
    expect(decideRouting({ facts, neighbourhood, rules, teams, round: second.round, now })).toMatchObject({
      outcome: 'failed',
      reason: 'no_team_left',
    });
  });
});

describe('a transfer', () => {
  it('when the new team is active in the municipality, then it gets the item with the reserved referral id', () => {
    expect(decideTransfer({ state: held(), transfer: transfer(2), target: target(2), now })).toEqual({
      outcome: 'decided',
      round: { attempt: 2, excludedTeamIds: [teamId(1)] },
      teamId: teamId(2),
      referralId: '1c8e5b4a-2f9d-4d07-a63e-b0f7c2e91d45',
      ruleId: 'transfer',
      deadline: '2026-11-30',
      deadlineWorkingDays: 5,
      // The escalation of the first routing stays: a transfer does not postpone the coordinator.
      escalatesOn: '2026-12-14',
      explanation: 'transferred by the team to Team 2',
    });
  });

  it('when the new team is at capacity, then it still gets it, and the explanation says so', () => {
    const outcome = decideTransfer({
      state: held(),
      transfer: transfer(2),
      target: target(2, { capacity: 1, openAssignments: 1 }),
      now,
    });
    expect(outcome).toMatchObject({ outcome: 'decided', explanation: expect.stringContaining('over its capacity') });
  });

  it.each([
    ['the new team is inactive', held(), transfer(2), target(2, { active: false }), 'team_inactive'],
    ['the new team is unknown', held(), transfer(2), undefined, 'team_unknown'],
    [
      'the new team works in another municipality',
      held(),
      transfer(2),
      target(2, { municipalityCode: 'GM9902' }),
      'team_elsewhere',
    ],
    ['the item has no municipality', held({ municipalityCode: null }), transfer(2), target(2), 'team_elsewhere'],
    ['the team transfers to itself', held(), transfer(1), target(1), 'same_team'],
    [
      'the transferring team does not hold the item',
      held({ teamId: teamId(3) }),
      transfer(2),
      target(2),
      'not_current_team',
    ],
    [
      'a team hands it back to a team that declined it',
      held({ attempt: 2, teamId: teamId(1), excludedTeamIds: [teamId(2)] }),
      transfer(2),
      target(2),
      'team_had_item',
    ],
  ])('when %s, then it is refused for the coordinator', (_, state, request, to, reason) => {
    expect(decideTransfer({ state, transfer: request, target: to, now })).toMatchObject({ outcome: 'refused', reason });
  });

  it('when the coordinator gives the item back to a team that had it, then that team is no longer excluded', () => {
    const state = held({ attempt: 2, teamId: teamId(1), excludedTeamIds: [teamId(2)] });
    expect(decideTransfer({ state, transfer: transfer(2, 'coordinator'), target: target(2), now })).toMatchObject({
      outcome: 'decided',
      teamId: teamId(2),
      round: { attempt: 3, excludedTeamIds: [teamId(1)] },
    });
  });
});

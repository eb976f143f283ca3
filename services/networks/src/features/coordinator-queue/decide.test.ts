import { describe, expect, it } from 'vitest';
import type { RoutedItemState, TransferTarget } from '../reroute-item/decide.ts';
import { decideAssignment } from './decide.ts';

const now = new Date('2026-11-23T09:00:00Z'); // a Monday
const teamId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const waiting = (overrides: Partial<RoutedItemState> = {}): RoutedItemState => ({
  item: { kind: 'case', id: '6b0f6d1e-5b8a-4a57-9d43-0a4a1f1c2b3d' },
  municipalityCode: 'GM9901',
  neighbourhoodCode: 'BU99010101',
  attempt: 3,
  teamId: null,
  excludedTeamIds: [teamId(1), teamId(2)],
  ruleId: 'north',
  deadlineWorkingDays: 5,
  // Long passed: the item has waited in the queue since its first routing.
  escalatesOn: '2026-10-05',
  ...overrides,
});
const team = (n: number, overrides: Partial<TransferTarget> = {}): TransferTarget => ({
  id: teamId(n),
  name: `Team ${n}`,
  municipalityCode: 'GM9901',
  active: true,
  capacity: 10,
  openAssignments: 0,
  ...overrides,
});

describe('the coordinator assigns a waiting item', () => {
  it('when no team is left, then the coordinator may give it to one that declined, which is no longer excluded', () => {
    expect(decideAssignment({ state: waiting(), target: team(2), now })).toEqual({
      outcome: 'decided',
      round: { attempt: 4, excludedTeamIds: [teamId(1)] },
      teamId: teamId(2),
      ruleId: 'coordinator',
      deadline: '2026-11-30',
      deadlineWorkingDays: 5,
      // Fresh: 15 working days from today, not the first routing's date, which would escalate it at once.
      escalatesOn: '2026-12-14',
      explanation: 'assigned by the coordinator to Team 2',
    });
  });

  it('when the item never had an escalation date, then it gets one from today as well', () => {
    expect(decideAssignment({ state: waiting({ escalatesOn: null }), target: team(4), now })).toMatchObject({
      escalatesOn: '2026-12-14',
    });
  });

  it('when a configured holiday falls in the period, then the escalation date moves with it', () => {
    const holidays = { isHoliday: (date: string) => date === '2026-11-24' };
    expect(decideAssignment({ state: waiting(), target: team(4), now, holidays })).toMatchObject({
      deadline: '2026-12-01',
      escalatesOn: '2026-12-15',
    });
  });

  it('when the item is of no municipality (the unassigned queue), then a team of any municipality may take it', () => {
    expect(
      decideAssignment({
        state: waiting({ municipalityCode: null }),
        target: team(4, { municipalityCode: 'GM9902' }),
        now,
      }),
    ).toMatchObject({ outcome: 'decided', teamId: teamId(4) });
  });

  it.each([
    ['a team still holds the item', waiting({ teamId: teamId(3) }), team(4), 'QUEUE_ITEM_HELD'],
    ['the team is unknown', waiting(), undefined, 'ASSIGN_TEAM_UNKNOWN'],
    ['the team works elsewhere', waiting(), team(4, { municipalityCode: 'GM9902' }), 'ASSIGN_TEAM_ELSEWHERE'],
    ['the team is inactive', waiting(), team(4, { active: false }), 'ASSIGN_TEAM_INACTIVE'],
    ['the item was routed a hundred times', waiting({ attempt: 100 }), team(4), 'ASSIGN_TOO_MANY_ATTEMPTS'],
  ])('when %s, then it is refused', (_, state, target, code) => {
    expect(decideAssignment({ state, target, now })).toMatchObject({ outcome: 'refused', code });
  });
});

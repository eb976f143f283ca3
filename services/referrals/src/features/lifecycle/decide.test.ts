import { describe, expect, it } from 'vitest';
import { type ActionRequest, type Actor, decideAction, type ReferralState } from './decide.ts';
import { TransitionNotAllowed } from './state-machine.ts';

const now = new Date('2026-12-02T10:15:00.000Z');
const team: Actor = { kind: 'team', id: '5d0f3f0e-1111-4a4a-8888-000000000001', client: 'team-app' };
const referral = (overrides: Partial<ReferralState> = {}): ReferralState => ({
  id: '0b1e6c4e-2222-4b4b-9999-000000000002',
  teamId: team.id,
  itemKind: 'case',
  itemId: '7c2d5b1a-3333-4c4c-aaaa-000000000003',
  status: 'routed',
  deadline: '2026-12-04',
  escalatesOn: '2026-12-16',
  escalatedAt: null,
  firstContactAt: null,
  ...overrides,
});
const decide = (state: ReferralState, request: ActionRequest, actor: Actor = team) =>
  decideAction(state, request, actor, now, () => '9a9a9a9a-4444-4d4d-bbbb-000000000004');
const otherTeam = { id: '6e6e6e6e-5555-4e4e-8ccc-000000000005', municipalityCode: 'GM9901', active: true };
const ownTeam = { id: team.id, municipalityCode: 'GM9901', active: true };

describe('deciding an action on a referral', () => {
  it('when the team accepts, then the referral is accepted at now and ReferralAccepted goes out', () => {
    const decision = decide(referral(), { action: 'accept' });
    expect(decision.update).toMatchObject({ status: 'accepted', acceptedAt: now });
    expect(decision.event).toEqual({ type: 'accepted', acceptedAt: now.toISOString() });
    expect(decision.history).toEqual({ action: 'accept', fromStatus: 'routed', toStatus: 'accepted', code: null });
  });

  it('when the team declines, then the reason is kept as a code in the row, the history and the event', () => {
    const decision = decide(referral(), { action: 'decline', reason: 'outside_our_area' });
    expect(decision.update).toMatchObject({ status: 'declined', declineReason: 'outside_our_area', endedAt: now });
    expect(decision.history.code).toBe('outside_our_area');
    expect(decision.event).toMatchObject({ type: 'declined', reason: 'outside_our_area' });
  });

  it('when the first contact attempt is recorded, then the work starts and the first contact time is set once', () => {
    const attempt = { channel: 'phone', date: '2026-12-02', partOfDay: 'morning', reached: false } as const;
    const first = decide(referral({ status: 'accepted' }), { action: 'record_contact', attempt });
    expect(first.update).toMatchObject({ status: 'in_progress', firstContactAt: now });
    expect(first.event).toMatchObject({
      type: 'contact_attempted',
      contactAttemptId: expect.any(String),
      reached: false,
    });
    const second = decide(referral({ status: 'in_progress', firstContactAt: new Date('2026-12-01T09:00:00Z') }), {
      action: 'record_contact',
      attempt,
    });
    expect(second.update.firstContactAt).toBeUndefined();
  });

  it('when a contact attempt is dated after today (Amsterdam), then it is refused', () => {
    const attempt = { channel: 'home_visit', date: '2026-12-03', partOfDay: 'evening', reached: true } as const;
    expect(() => decide(referral({ status: 'accepted' }), { action: 'record_contact', attempt })).toThrow(
      expect.objectContaining({ code: 'CONTACT_DATE_IN_FUTURE' }),
    );
  });

  it('when the team closes, then result and notes are kept; only the result goes out', () => {
    const decision = decide(referral({ status: 'in_progress' }), { action: 'close', result: 'quick_fix', notes: 'ok' });
    expect(decision.update).toMatchObject({ status: 'closed', closingResult: 'quick_fix', closingNotes: 'ok' });
    expect(decision.event).toEqual({ type: 'closed', result: 'quick_fix', closedAt: now.toISOString() });
  });

  it('when a referral is transferred, then a new referral id is reserved and named in the event', () => {
    const decision = decide(referral({ status: 'accepted' }), {
      action: 'transfer',
      toTeamId: otherTeam.id,
      toTeam: otherTeam,
      fromTeam: ownTeam,
    });
    expect(decision.update).toMatchObject({
      status: 'transferred',
      transferredToTeamId: otherTeam.id,
      transferredToReferralId: '9a9a9a9a-4444-4d4d-bbbb-000000000004',
    });
    expect(decision.event).toMatchObject({
      type: 'transferred',
      newReferralId: '9a9a9a9a-4444-4d4d-bbbb-000000000004',
      transferredBy: 'team',
    });
    const byCoordinator = decide(
      referral(),
      { action: 'transfer', toTeamId: otherTeam.id, toTeam: otherTeam, fromTeam: ownTeam },
      { kind: 'coordinator', id: 'coordinator-gm9901' },
    );
    expect(byCoordinator.event).toMatchObject({ transferredBy: 'coordinator' });
  });

  it.each([
    ['the same team', { toTeamId: team.id, toTeam: ownTeam, fromTeam: ownTeam }, 'TRANSFER_TO_SAME_TEAM'],
    ['an unknown team', { toTeamId: otherTeam.id, toTeam: null, fromTeam: ownTeam }, 'TRANSFER_TEAM_UNKNOWN'],
    [
      'an inactive team',
      { toTeamId: otherTeam.id, toTeam: { ...otherTeam, active: false }, fromTeam: ownTeam },
      'TRANSFER_TEAM_UNKNOWN',
    ],
    [
      'a team of another municipality',
      { toTeamId: otherTeam.id, toTeam: { ...otherTeam, municipalityCode: 'GM0363' }, fromTeam: ownTeam },
      'TRANSFER_OTHER_MUNICIPALITY',
    ],
    [
      'a team that already had the item',
      { toTeamId: otherTeam.id, toTeam: otherTeam, fromTeam: ownTeam, teamsThatHadItem: [team.id, otherTeam.id] },
      'TRANSFER_TEAM_HAD_ITEM',
    ],
  ])('when a transfer names %s, then it is refused', (_, target, code) => {
    expect(() => decide(referral(), { action: 'transfer', ...target })).toThrow(expect.objectContaining({ code }));
  });

  it('when the timer expires a routed referral, then ReferralExpired names the deadline that passed', () => {
    const decision = decide(referral(), { action: 'expire' }, { kind: 'timer', id: 'deadline-timer' });
    expect(decision.update).toMatchObject({ status: 'expired', endedAt: now });
    expect(decision.event).toEqual({ type: 'expired', deadline: '2026-12-04', expiredAt: now.toISOString() });
  });

  it('when a routed referral reaches its escalation date, then it escalates once and stays routed', () => {
    const decision = decide(referral(), { action: 'escalate' }, { kind: 'timer', id: 'deadline-timer' });
    expect(decision.update).toEqual({ status: 'routed', escalatedAt: now, updatedAt: now });
    expect(decision.event).toMatchObject({ type: 'escalated', deadline: '2026-12-04', escalatesOn: '2026-12-16' });
    expect(() => decide(referral({ escalatedAt: now }), { action: 'escalate' })).toThrow(
      expect.objectContaining({ code: 'REFERRAL_NOT_ESCALATABLE' }),
    );
    expect(() => decide(referral({ status: 'accepted' }), { action: 'escalate' })).toThrow(
      expect.objectContaining({ code: 'REFERRAL_NOT_ESCALATABLE' }),
    );
  });

  it('when the action does not fit the status, then the state machine refuses it before any other rule', () => {
    expect(() => decide(referral({ status: 'closed' }), { action: 'close', result: 'repeat' })).toThrow(
      TransitionNotAllowed,
    );
  });
});

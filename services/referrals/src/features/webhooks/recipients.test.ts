import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventNamesFor, recipientsOf, webhookEventNames } from './recipients.ts';

const team = randomUUID();
const other = randomUUID();
const informed = randomUUID();
const caseItem = { kind: 'case' as const, id: randomUUID() };
const request = { kind: 'referral_request' as const, id: randomUUID() };

describe('who an event concerns', () => {
  it('when a case is routed, then the chosen team and every informed team, once each', () => {
    expect(
      recipientsOf('RoutingDecided', { item: caseItem, teamId: team, informTeamIds: [informed, team, informed] }),
    ).toEqual({ teamIds: [team, informed], referralRequestId: undefined });
  });

  it('when a referral event happens, then the team holding the referral', () => {
    for (const name of [
      'ReferralAccepted',
      'ReferralDeclined',
      'ContactAttempted',
      'ReferralClosed',
      'ReferralExpired',
      'ReferralEscalated',
    ] as const) {
      expect(recipientsOf(name, { item: caseItem, teamId: team })).toEqual({
        teamIds: [team],
        referralRequestId: undefined,
      });
    }
  });

  it('when a referral is transferred, then the team giving it and the team it goes to', () => {
    expect(recipientsOf('ReferralTransferred', { item: caseItem, teamId: team, toTeamId: other })).toEqual({
      teamIds: [team, other],
      referralRequestId: undefined,
    });
  });

  it('when the item is a GP request, then its practice may hear of the status change as well', () => {
    expect(recipientsOf('ReferralAccepted', { item: request, teamId: team })).toEqual({
      teamIds: [team],
      referralRequestId: request.id,
    });
  });

  it('when routing fails, then no team, and for a GP request only its practice', () => {
    expect(recipientsOf('RoutingFailed', { item: caseItem })).toEqual({ teamIds: [], referralRequestId: undefined });
    expect(recipientsOf('RoutingFailed', { item: request })).toEqual({ teamIds: [], referralRequestId: request.id });
  });

  it('when a GP practice subscribes, then it can choose only its status event; a team every other event', () => {
    expect(eventNamesFor('gp')).toEqual(['GpReferralStatusChanged']);
    expect(eventNamesFor('team')).not.toContain('GpReferralStatusChanged');
    expect([...eventNamesFor('team'), ...eventNamesFor('gp')].sort()).toEqual([...webhookEventNames].sort());
  });
});

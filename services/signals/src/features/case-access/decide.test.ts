import { describe, expect, it } from 'vitest';
import { accessEnded, accessFromRouting, supersedes } from './decide.ts';

const caseId = 'c41e9a77-2b08-4f5d-8e13-6a0d95b2f3c8';
const teamId = '7d3f2c1e-9a4b-4e6d-8c2f-1b0a9e8d7c6b';

describe('case access from routing and referral events', () => {
  it('when a case is routed to a team, then the team gets access as of the decision', () => {
    expect(
      accessFromRouting({ item: { kind: 'case', id: caseId }, teamId, decidedAt: '2026-11-23T10:00:00Z' }),
    ).toEqual({ caseId, teamId, active: true, asOf: new Date('2026-11-23T10:00:00Z') });
  });

  it('when a GP request or a single signal is routed, then it is none of this read model', () => {
    expect(
      accessFromRouting({ item: { kind: 'referral_request', id: caseId }, teamId, decidedAt: '2026-11-23T10:00:00Z' }),
    ).toBeNull();
    expect(accessEnded({ item: { kind: 'signal', id: caseId }, teamId }, '2026-11-23T10:00:00Z')).toBeNull();
  });

  it('when the decline arrives before the routing it ends, then the older routing does not reopen access', () => {
    const declined = { active: false, asOf: new Date('2026-11-23T11:00:00Z') };
    const routing = { caseId, teamId, active: true, asOf: new Date('2026-11-23T10:00:00Z') };
    expect(supersedes(declined, routing)).toBe(false);
  });

  it('when the case is routed to the team again later (a transfer back), then access opens again', () => {
    const ended = { active: false, asOf: new Date('2026-11-23T11:00:00Z') };
    expect(supersedes(ended, { caseId, teamId, active: true, asOf: new Date('2026-11-24T09:00:00Z') })).toBe(true);
  });

  it('when an end and a routing carry the same time, then the end wins', () => {
    const at = new Date('2026-11-23T11:00:00Z');
    expect(supersedes({ active: true, asOf: at }, { caseId, teamId, active: false, asOf: at })).toBe(true);
    expect(supersedes({ active: false, asOf: at }, { caseId, teamId, active: true, asOf: at })).toBe(false);
  });
});

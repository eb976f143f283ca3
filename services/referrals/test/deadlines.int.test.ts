import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, type Harness, startReferrals } from './harness.ts';

let referrals: Harness;

beforeAll(async () => {
  referrals = await startReferrals();
});

afterAll(async () => {
  await referrals?.close();
});

/**
 * Time here is the app's clock, moved by the test; the timers are run by
 * calling the poller the app itself runs, so nothing waits for real time.
 * Each run is narrowed to the test's own team: the database also holds
 * referrals of every other test's decisions on the shared topic, and
 * expiring those would publish events other tests' routers act on.
 */
describe('deadlines and escalation', () => {
  it('when the rule set a deadline in minutes, then the timer expires the referral minutes after the routing, not at midnight', async () => {
    referrals.setNow('2031-05-06T09:00:00Z');
    const { data } = await referrals.decide({
      deadline: '2031-05-06',
      escalatesOn: '2031-05-06',
      expiresAt: '2031-05-06T09:05:00.000Z',
      escalatesAt: '2031-05-06T09:15:00.000Z',
    });
    const referral = await referrals.referralOf(data.decisionId);

    referrals.setNow('2031-05-06T09:04:59Z');
    expect((await referrals.app.deadlines.runDue({ teamIds: [data.teamId] })).expired).not.toContain(referral.id);
    referrals.setNow('2031-05-06T09:05:00Z');
    expect((await referrals.app.deadlines.runDue({ teamIds: [data.teamId] })).expired).toContain(referral.id);
    const event = await referrals.event('ReferralExpired', referral.id);
    expect(event.data).toMatchObject({ referralId: referral.id, expiredAt: '2031-05-06T09:05:00.000Z' });
  });

  it('when a routed referral passes its deadline day (Amsterdam), then it expires once, ReferralExpired is published, and the team can no longer accept', async () => {
    referrals.setNow('2031-03-03T08:00:00Z');
    const { data } = await referrals.decide({ deadline: '2031-03-07', escalatesOn: '2031-03-21' });
    const referral = await referrals.referralOf(data.decisionId);

    referrals.setNow('2031-03-07T22:59:59Z'); // 23:59:59 on the deadline day in Amsterdam
    const early = await referrals.app.deadlines.runDue({ teamIds: [data.teamId] });
    expect([...early.escalated, ...early.expired]).not.toContain(referral.id);
    referrals.setNow('2031-03-07T23:00:00Z');
    const run = await referrals.app.deadlines.runDue({ teamIds: [data.teamId] });
    expect(run.expired).toContain(referral.id);
    expect((await referrals.app.deadlines.runDue({ teamIds: [data.teamId] })).expired).not.toContain(referral.id);

    const event = await referrals.event('ReferralExpired', referral.id);
    expect(event.data).toMatchObject({
      referralId: referral.id,
      item: data.item,
      teamId: data.teamId,
      deadline: '2031-03-07',
      expiredAt: '2031-03-07T23:00:00.000Z',
    });
    const token = await referrals.teamToken(data.teamId);
    const late = await expectStatus(
      referrals.request('POST', `/v1/teams/${data.teamId}/referrals/${referral.id}/accept`, token),
      409,
    );
    expect(late.json()).toMatchObject({ currentStatus: 'expired', allowedActions: [] });
    const history = (await referrals.app.prisma.referralHistory.findMany({ where: { referralId: referral.id } })).map(
      (entry) => [entry.action, entry.actorKind],
    );
    expect(history).toEqual([
      ['route', 'router'],
      ['expire', 'timer'],
    ]);
  });

  it('when a re-routed referral is still routed on the escalation date, then ReferralEscalated is published once and the team can still accept', async () => {
    referrals.setNow('2031-04-01T08:00:00Z');
    const { data } = await referrals.decide({
      attempt: 2,
      excludedTeamIds: [randomUUID()],
      deadline: '2031-04-18',
      escalatesOn: '2031-04-15',
    });
    const referral = await referrals.referralOf(data.decisionId);

    referrals.setNow('2031-04-14T21:59:00Z');
    expect((await referrals.app.deadlines.runDue({ teamIds: [data.teamId] })).escalated).not.toContain(referral.id);
    referrals.setNow('2031-04-14T22:00:00Z'); // midnight of 15 April in Amsterdam (CEST)
    expect((await referrals.app.deadlines.runDue({ teamIds: [data.teamId] })).escalated).toContain(referral.id);
    referrals.setNow('2031-04-16T10:00:00Z');
    expect((await referrals.app.deadlines.runDue({ teamIds: [data.teamId] })).escalated).not.toContain(referral.id);

    const event = await referrals.event('ReferralEscalated', referral.id);
    expect(event.data).toMatchObject({
      deadline: '2031-04-18',
      escalatesOn: '2031-04-15',
      escalatedAt: '2031-04-14T22:00:00.000Z',
    });
    const token = await referrals.teamToken(data.teamId);
    const listed = (
      await expectStatus(referrals.request('GET', `/v1/teams/${data.teamId}/referrals`, token), 200)
    ).json();
    expect(listed.items).toEqual([expect.objectContaining({ id: referral.id, status: 'routed', escalated: true })]);
    await expectStatus(
      referrals.request('POST', `/v1/teams/${data.teamId}/referrals/${referral.id}/accept`, token),
      200,
    );
    expect(
      referrals.published.filter(
        (candidate) => candidate.type.endsWith('ReferralEscalated.v1') && candidate.key === referral.id,
      ),
    ).toHaveLength(1);
  });

  it('when an accepted referral passes its deadline, then nothing happens to it', async () => {
    referrals.setNow('2031-05-05T08:00:00Z');
    const { data } = await referrals.decide({ deadline: '2031-05-09', escalatesOn: '2031-05-23' });
    const referral = await referrals.referralOf(data.decisionId);
    const token = await referrals.teamToken(data.teamId);
    await expectStatus(
      referrals.request('POST', `/v1/teams/${data.teamId}/referrals/${referral.id}/accept`, token),
      200,
    );
    referrals.setNow('2031-06-01T08:00:00Z');
    const run = await referrals.app.deadlines.runDue({ teamIds: [data.teamId] });
    expect([...run.escalated, ...run.expired]).not.toContain(referral.id);
  });

  it('when the service restarts, then the timers are still there: nothing was in memory', async () => {
    referrals.setNow('2031-09-01T08:00:00Z');
    const { data } = await referrals.decide({ deadline: '2031-09-05', escalatesOn: '2031-09-19' });
    const referral = await referrals.referralOf(data.decisionId);
    await referrals.restart();
    referrals.setNow('2031-09-06T08:00:00Z');
    expect((await referrals.app.deadlines.runDue({ teamIds: [data.teamId] })).expired).toContain(referral.id);
    await referrals.event('ReferralExpired', referral.id);
  });
});

import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from './fixtures/system.ts';

let system: System;

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
});

afterAll(async () => {
  await system?.close();
});

const metricsOf = async (app: { inject(options: { method: 'GET'; url: string }): Promise<{ body: string }> }) =>
  (await app.inject({ method: 'GET', url: '/metrics' })).body;

describe('metrics', () => {
  it('count requests per route template, the outbox backlog and what each consumer did with each event', async () => {
    const team = await system.createTeam();
    const signal = await system.postSignal(team.postcode);
    const referral = await waitFor('the referral', system.referralFor(team.id, signal.caseId));

    const signals = await metricsOf(system.signals);
    expect(signals).toMatch(
      /http_requests_total\{method="POST",route="\/v1\/signals",status="201",service="signals"\} 1/,
    );
    expect(signals).toMatch(/outbox_backlog\{service="signals"\} 0/);
    // Labels carry route templates, never ids.
    expect(signals).not.toContain(signal.id);
    expect(signals).not.toContain(signal.caseId);

    await system.teamReferrals(team.id);
    const referrals = await metricsOf(system.referrals);
    expect(referrals).toMatch(
      /consumer_events_total\{group="[^"]+\.referrals\.assignment",outcome="applied",service="referrals"\} [1-9]/,
    );
    expect(referrals).toMatch(/route="\/v1\/teams\/:teamId\/referrals",status="200"/);
    expect(referrals).not.toContain(referral?.item.id ?? signal.caseId);
  });
});

import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from './fixtures/system.ts';

let system: System;
const METRICS_TOKEN = 'scraper-token-of-this-test-file';

beforeAll(async () => {
  system = await startSystem(testInfrastructure(), { env: { METRICS_TOKEN } });
});

afterAll(async () => {
  await system?.close();
});

const metricsUrl = (app: { metricsUrl(): string | undefined }): string => {
  const url = app.metricsUrl();
  if (!url) throw new Error('the app serves no metrics');
  return url;
};

const metricsOf = async (app: { metricsUrl(): string | undefined }) => {
  const response = await fetch(metricsUrl(app), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
};

/** Every `kafka_consumer_group_lag` sample of one group, as [labels, value]. */
const lagOf = (text: string, group: string) =>
  [...text.matchAll(/^kafka_consumer_group_lag\{([^}]*)\} (\d+)$/gm)]
    .filter(([, labels]) => labels?.includes(`group="${group}"`))
    .map(([, labels, value]) => [labels, Number(value)] as const);

describe('metrics', () => {
  it('count requests per route template, the outbox and what each consumer did with each event', async () => {
    const team = await system.createTeam();
    const signal = await system.postSignal(team.postcode);
    const referral = await waitFor('the referral', system.referralFor(team.id, signal.caseId));

    const signals = await metricsOf(system.signals);
    expect(signals).toMatch(
      /http_requests_total\{method="POST",route="\/v1\/signals",status="201",service="signals"\} 1/,
    );
    expect(signals).toMatch(/outbox_backlog\{service="signals"\} 0/);
    expect(signals).toMatch(/^# TYPE outbox_published_total counter$/m);
    expect(signals).toMatch(/^outbox_published_total\{service="signals"\} [1-9]\d*$/m);
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

  it("report the process's own figures", async () => {
    const signals = await metricsOf(system.signals);
    expect(signals).toMatch(/^process_cpu_user_seconds_total\{service="signals"\} /m);
    expect(signals).toMatch(/^process_resident_memory_bytes\{service="signals"\} /m);
    expect(signals).toMatch(/^nodejs_eventloop_lag_seconds\{service="signals"\} /m);
  });

  it('report the consumer lag per group and partition, down to 0 once the events are consumed', async () => {
    // The first test's decision was consumed; once its offset is committed
    // (every second), its partition reports the group's lag, at 0.
    const settled = await waitFor(
      "the assignment group's lag, at 0",
      async () => {
        const text = await metricsOf(system.referrals);
        const group = text.match(/kafka_consumer_group_lag\{group="([^"]+\.referrals\.assignment)"/)?.[1];
        const lags = group ? lagOf(text, group) : [];
        return lags.length > 0 && lags.every(([, lag]) => lag === 0) ? lags : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(
      settled.some(([labels]) => labels !== undefined && /topic="routing\.decisions\.v1",partition="\d+"/.test(labels)),
    ).toBe(true);
  });

  it('are not on the API port, and want the bearer token on their own', async () => {
    expect((await fetch(`${system.signalsUrl}/metrics`)).status).toBe(404);
    expect(metricsUrl(system.signals)).not.toBe(`${system.signalsUrl}/metrics`);
    expect((await fetch(metricsUrl(system.signals))).status).toBe(401);
    const wrong = await fetch(metricsUrl(system.signals), { headers: { authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(401);
  });
});

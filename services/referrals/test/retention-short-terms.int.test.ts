import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, gpReferral, type Harness, startReferrals } from './harness.ts';

let referrals: Harness;

beforeAll(async () => {
  // As README "Short terms for staging" configures it.
  referrals = await startReferrals({ RETENTION_NEVER_TAKEN_MONTHS: '10 minutes' });
});

afterAll(async () => {
  await referrals?.close();
});

describe('retention of GP referral data with a term in minutes (staging)', () => {
  it('when a request nobody took is older than 10 minutes, then the job deletes it and the audit names the term', async () => {
    const start = new Date('2030-03-04T09:00:00Z');
    referrals.setNow(start);
    const gp = await referrals.gpToken();
    const body = gpReferral({ consent: { ...gpReferral().consent, recordedAt: start.toISOString() } });
    const id = (await expectStatus(referrals.request('POST', '/v1/referrals', gp, body), 201)).json().id as string;
    const row = async () => (await referrals.app.pool.query('SELECT 1 FROM referral_request WHERE id = $1', [id])).rows;

    referrals.setNow(new Date(start.getTime() + 9 * 60_000));
    await referrals.app.retention.runOnce();
    expect(await row()).toHaveLength(1);

    referrals.setNow(new Date(start.getTime() + 11 * 60_000));
    await referrals.app.retention.runOnce();
    expect(await row()).toHaveLength(0);
    const { rows } = await referrals.app.pool.query(
      'SELECT term, term_months, term_length FROM retention_audit WHERE record_id = $1',
      [id],
    );
    expect(rows).toEqual([{ term: 'request_never_taken', term_months: null, term_length: '10 minutes' }]);
  });
});

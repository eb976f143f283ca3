import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energySignal, startSignals } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  // As README "Short terms for staging" configures it; the test runs the job at the moments it chooses.
  signals = await startSignals({ RETENTION_INTERVAL_MINUTES: '0', RETENTION_UNMATCHED_MONTHS: '30 minutes' });
});

afterAll(async () => {
  await signals?.close();
});

describe('retention with a term in minutes (staging)', () => {
  it('when an unmatched signal is older than 30 minutes, then the job deletes it and the audit names the term as configured', async () => {
    const energy = await signals.token('energy');
    // Under the threshold: stored, closed `unjustified`, never a case.
    const signal = (await signals.post(energySignal(undefined, 20), energy)).json();
    const receivedAt = new Date(signal.receivedAt).getTime();

    expect(await signals.app.retention.runOnce(new Date(receivedAt + 29 * 60_000))).toEqual({ signals: 0, cases: 0 });
    expect((await signals.request('GET', `/v1/signals/${signal.id}`, energy)).statusCode).toBe(200);

    expect(await signals.app.retention.runOnce(new Date(receivedAt + 31 * 60_000))).toEqual({ signals: 1, cases: 0 });
    expect((await signals.request('GET', `/v1/signals/${signal.id}`, energy)).statusCode).toBe(404);
    const { rows } = await signals.app.pool.query(
      'SELECT term, term_months, term_length FROM retention_audit WHERE record_id = $1',
      [signal.id],
    );
    expect(rows).toEqual([{ term: 'unmatched_signal', term_months: null, term_length: '30 minutes' }]);
  });
});

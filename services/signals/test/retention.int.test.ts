import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energySignal, rentSignal, startSignals } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  // The schedule is off: the test runs the job itself, at the moments it chooses.
  signals = await startSignals({ RETENTION_INTERVAL_MINUTES: '0' });
});

afterAll(async () => {
  await signals?.close();
});

const DAY = 86_400_000;
const query = async (sql: string, values: unknown[] = []) => (await signals.app.pool.query(sql, values)).rows;

/** Sets a signal's and its case's clocks back to `at`, as if it had arrived then. */
async function receivedAt(signalId: string, at: Date) {
  await signals.app.pool.query('UPDATE signal SET received_at = $2 WHERE id = $1', [signalId, at]);
  await signals.app.pool.query(
    'UPDATE household_case SET opened_at = $2, last_signal_at = $2 WHERE id = (SELECT case_id FROM signal WHERE id = $1)',
    [signalId, at],
  );
}

describe('retention', () => {
  it('when terms run out, then the personal data is deleted for real and audited; data within its term stays', async () => {
    const now = new Date();
    const landlord = await signals.token('landlord');
    const energy = await signals.token('energy');

    // Unmatched (under the threshold, never a case): 6 months.
    const oldUnmatched = (await signals.post(energySignal(undefined, 20), energy)).json();
    const youngUnmatched = (await signals.post(energySignal(undefined, 20), energy)).json();
    await receivedAt(oldUnmatched.id, new Date(now.getTime() - 190 * DAY));
    await receivedAt(youngUnmatched.id, new Date(now.getTime() - 170 * DAY));

    // An open case whose last signal is 13 months old, and one of 11 months: 12 months.
    const staleOpen = (await signals.post(rentSignal(), landlord)).json();
    const liveOpen = (await signals.post(rentSignal(), landlord)).json();
    await receivedAt(staleOpen.id, new Date(now.getTime() - 400 * DAY));
    await receivedAt(liveOpen.id, new Date(now.getTime() - 330 * DAY));

    // Closed cases, 19 and 17 months after closure: 18 months.
    const oldClosed = (await signals.post(rentSignal(), landlord)).json();
    const youngClosed = (await signals.post(rentSignal(), landlord)).json();
    for (const [signal, days] of [
      [oldClosed, 580],
      [youngClosed, 520],
    ] as const) {
      await receivedAt(signal.id, new Date(now.getTime() - (days + 30) * DAY));
      await signals.app.pool.query(
        `UPDATE household_case SET status = 'closed', closing_result = 'quick_fix', closed_at = $2 WHERE id = $1`,
        [signal.caseId, new Date(now.getTime() - days * DAY)],
      );
    }

    const run = await signals.app.retention.runOnce(now);
    expect(run).toEqual({ signals: 3, cases: 2 });

    const remaining = await query('SELECT id::text FROM signal WHERE id = ANY($1::uuid[])', [
      [oldUnmatched, youngUnmatched, staleOpen, liveOpen, oldClosed, youngClosed].map((signal) => signal.id),
    ]);
    expect(remaining.map((row) => row.id).sort()).toEqual([youngUnmatched.id, liveOpen.id, youngClosed.id].sort());
    const cases = await query('SELECT id::text FROM household_case WHERE id = ANY($1::uuid[])', [
      [staleOpen, liveOpen, oldClosed, youngClosed].map((signal) => signal.caseId),
    ]);
    expect(cases.map((row) => row.id).sort()).toEqual([liveOpen.caseId, youngClosed.caseId].sort());

    const audit = await query(
      'SELECT record_kind, record_id::text, partner_id, categories, term, term_months FROM retention_audit ORDER BY id',
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          record_kind: 'signal',
          record_id: oldUnmatched.id,
          categories: ['address', 'partner_reference', 'arrears'],
          term: 'unmatched_signal',
          term_months: 6,
        }),
        expect.objectContaining({
          record_kind: 'signal',
          record_id: staleOpen.id,
          categories: ['name', 'phone', 'address', 'partner_reference', 'arrears', 'landlord_preconditions'],
          term: 'open_case_inactive',
          term_months: 12,
        }),
        expect.objectContaining({
          record_kind: 'household_case',
          record_id: staleOpen.caseId,
          term: 'open_case_inactive',
        }),
        expect.objectContaining({
          record_kind: 'signal',
          record_id: oldClosed.id,
          term: 'closed_case',
          term_months: 18,
        }),
        expect.objectContaining({
          record_kind: 'household_case',
          record_id: oldClosed.caseId,
          categories: ['address'],
        }),
      ]),
    );
    expect(audit).toHaveLength(5);
    // The audit says what and why, never the data itself.
    const everything = JSON.stringify(await query('SELECT * FROM retention_audit'));
    expect(everything).not.toMatch(/Anna|de Vries|\+316|HUUR-|E-/);

    // The deleted signal is gone for its partner too; a second run at the same moment finds nothing.
    expect((await signals.request('GET', `/v1/signals/${oldUnmatched.id}`, energy)).statusCode).toBe(404);
    expect(await signals.app.retention.runOnce(now)).toEqual({ signals: 0, cases: 0 });

    // A day past the young ones' terms, they go too.
    const later = await signals.app.retention.runOnce(new Date(now.getTime() + 70 * DAY));
    expect(later).toEqual({ signals: 3, cases: 2 });
  });

  it('when an open case is past its term but a team still holds its referral, then it stays until the team is done', async () => {
    const now = new Date();
    const landlord = await signals.token('landlord');
    const held = (await signals.post(rentSignal(), landlord)).json();
    await receivedAt(held.id, new Date(now.getTime() - 400 * DAY));
    // The access read model as the routing and referral events leave it: one team holds the case.
    await signals.app.pool.query(
      `INSERT INTO case_team_access (case_id, team_id, active, as_of) VALUES ($1, gen_random_uuid(), true, now())`,
      [held.caseId],
    );
    await signals.app.retention.runOnce(now);
    expect(await query('SELECT 1 FROM household_case WHERE id = $1', [held.caseId])).toHaveLength(1);

    await signals.app.pool.query('UPDATE case_team_access SET active = false WHERE case_id = $1', [held.caseId]);
    await signals.app.retention.runOnce(now);
    expect(await query('SELECT 1 FROM household_case WHERE id = $1', [held.caseId])).toHaveLength(0);
    expect(await query('SELECT 1 FROM signal WHERE id = $1', [held.id])).toHaveLength(0);
  });
});

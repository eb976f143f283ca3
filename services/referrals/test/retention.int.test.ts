import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, gpReferral, type Harness, startReferrals } from './harness.ts';

let referrals: Harness;

beforeAll(async () => {
  referrals = await startReferrals();
});

afterAll(async () => {
  await referrals?.close();
});

const refer = (token: string, body: unknown) => referrals.request('POST', '/v1/referrals', token, body);
const act = (teamId: string, referralId: string, action: string, token: string, body?: unknown) =>
  referrals.request('POST', `/v1/teams/${teamId}/referrals/${referralId}/${action}`, token, body);
const requestRow = async (id: string) =>
  (await referrals.app.pool.query('SELECT * FROM referral_request WHERE id = $1', [id])).rows[0];
const auditOf = async (recordId: string) =>
  (await referrals.app.pool.query('SELECT * FROM retention_audit WHERE record_id = $1', [recordId])).rows;

describe('retention of GP referral data', () => {
  it('deletes a request nobody took after 6 months and an accepted one 18 months after its end, with audit rows and no personal data in them; a request a team holds is kept', async () => {
    const start = new Date('2030-01-15T09:00:00Z');
    referrals.setNow(start);
    const gp = await referrals.gpToken();
    const make = async () =>
      (
        await expectStatus(
          refer(gp, gpReferral({ consent: { ...gpReferral().consent, recordedAt: start.toISOString() } })),
          201,
        )
      ).json().id as string;

    // Never routed: the router never answered.
    const neverTaken = await make();
    // Accepted and closed with notes on the first day.
    const closed = await make();
    const closedTeam = randomUUID();
    const closedToken = await referrals.teamToken(closedTeam);
    const closedDecision = await referrals.decide({
      item: { kind: 'referral_request', id: closed },
      teamId: closedTeam,
      decidedAt: start.toISOString(),
    });
    const closedReferral = await referrals.referralOf(closedDecision.data.decisionId);
    await expectStatus(act(closedTeam, closedReferral.id, 'accept', closedToken), 200);
    await expectStatus(
      act(closedTeam, closedReferral.id, 'close', closedToken, {
        result: 'referred_without_contact',
        notes: 'Mevrouw Jansen is verhuisd naar haar dochter.',
      }),
      200,
    );
    // Still with its team, however long.
    const held = await make();
    const heldTeam = randomUUID();
    const heldDecision = await referrals.decide({ item: { kind: 'referral_request', id: held }, teamId: heldTeam });
    await referrals.referralOf(heldDecision.data.decisionId);

    // Six months to the minute: the term has not ended yet.
    referrals.setNow('2030-07-15T09:00:00Z');
    await referrals.app.retention.runOnce();
    expect(await requestRow(neverTaken)).toBeDefined();

    referrals.setNow('2030-07-15T09:01:00Z');
    expect(await referrals.app.retention.runOnce()).toEqual({ requests: 1, closingNotes: 0 });
    expect(await requestRow(neverTaken)).toBeUndefined();
    expect(await requestRow(closed)).toBeDefined();
    await expectStatus(referrals.request('GET', `/v1/referrals/${neverTaken}`, gp), 404);

    referrals.setNow('2031-07-15T09:01:00Z');
    expect(await referrals.app.retention.runOnce()).toEqual({ requests: 1, closingNotes: 1 });
    expect(await requestRow(closed)).toBeUndefined();
    expect(await requestRow(held)).toBeDefined();
    const { rows: notes } = await referrals.app.pool.query(
      'SELECT closing_notes, closing_result FROM referral WHERE id = $1',
      [closedReferral.id],
    );
    // The referral stays (codes and dates); its free text goes.
    expect(notes).toEqual([{ closing_notes: null, closing_result: 'referred_without_contact' }]);

    const neverTakenAudit = await auditOf(neverTaken);
    expect(neverTakenAudit).toEqual([
      expect.objectContaining({
        record_kind: 'referral_request',
        term: 'request_never_taken',
        term_months: 6,
        term_started_at: start,
        deleted_at: new Date('2030-07-15T09:01:00Z'),
        categories: expect.arrayContaining(['name', 'date_of_birth', 'phone', 'address', 'health_concern', 'gp_note']),
      }),
    ]);
    expect(await auditOf(closed)).toEqual([
      expect.objectContaining({ record_kind: 'referral_request', term: 'request_ended', term_months: 18 }),
    ]);
    expect(await auditOf(closedReferral.id)).toEqual([
      expect.objectContaining({
        record_kind: 'referral_closing_notes',
        organisation_id: closedTeam,
        categories: ['closing_notes'],
        term: 'closing_notes',
      }),
    ]);
    const { rows: everything } = await referrals.app.pool.query('SELECT * FROM retention_audit');
    for (const personal of ['Jansen', '612345678', '1950-03-14', 'alleen', 'Boer', 'dochter', '9901']) {
      expect(JSON.stringify(everything)).not.toContain(personal);
    }

    // A second run finds nothing more: what was deleted is gone once.
    expect(await referrals.app.retention.runOnce()).toEqual({ requests: 0, closingNotes: 0 });
  });
});

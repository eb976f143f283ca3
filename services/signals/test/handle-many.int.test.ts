import { randomUUID } from 'node:crypto';
import { nlGovSource } from '@vangnet/contracts/envelope';
import type { EventHandler } from '@vangnet/messaging/consumer';
import { applyRun } from '@vangnet/testing/event-runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../src/db.ts';
import { routingStatusHandlers } from '../src/features/routing-status/consumer.ts';
import { caseAccessHandlers, caseFeedbackHandlers } from '../src/integration/consumers.ts';
import { rentSignal, startSignals } from './harness.ts';

/**
 * The consumer hands a run of one handler's events in a batch to its
 * `handleMany`, which must leave what `handle` leaves on each in turn. These
 * runs hold what one statement for many events can get wrong: one row twice,
 * an older event after a newer one, a closed case among open ones.
 */
let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  signals = await startSignals();
});

afterAll(async () => {
  await signals?.close();
});

/** A run of events of one type, as signals' consumer applies it (see applyRun). */
const run = (handlers: EventHandler<Transaction>[], type: string, changes: Record<string, unknown>[]) =>
  applyRun(signals.app.prisma, handlers, type, changes);

const openCase = async () => (await signals.post(rentSignal(), await signals.token('landlord'))).json();
const at = (minute: number) => new Date(Date.UTC(2026, 11, 8, 9, minute)).toISOString();

describe('case access: a run of events in one statement', () => {
  it('keeps per pair the latest change of the run, and nothing older than what is stored', async () => {
    const [caseA, caseB, teamA, teamB] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const handlers = caseAccessHandlers();
    // Stored first: team B's access to case B already ended at 09:30.
    await run(handlers, 'nl.vangnet.referrals.ReferralDeclined.v1', [
      { item: { kind: 'case', id: caseB }, teamId: teamB, declinedAt: at(30) },
    ]);
    await run(handlers, 'nl.vangnet.networks.RoutingDecided.v2', [
      { item: { kind: 'case', id: caseA }, teamId: teamA, decidedAt: at(10) },
      { item: { kind: 'case', id: caseA }, teamId: teamA, decidedAt: at(20) },
      { item: { kind: 'case', id: caseA }, teamId: teamA, decidedAt: at(15) },
      { item: { kind: 'case', id: caseB }, teamId: teamB, decidedAt: at(5) },
      { item: { kind: 'referral_request', id: randomUUID() }, teamId: teamA, decidedAt: at(5) },
    ]);
    const { rows } = await signals.app.pool.query(
      `SELECT case_id::text, team_id::text, active, as_of FROM case_team_access
        WHERE case_id = ANY($1::uuid[]) ORDER BY as_of`,
      [[caseA, caseB]],
    );
    expect(rows).toEqual([
      { case_id: caseA, team_id: teamA, active: true, as_of: new Date(at(20)) },
      { case_id: caseB, team_id: teamB, active: false, as_of: new Date(at(30)) },
    ]);
  });
});

describe('routing status: a run of outcomes in one statement', () => {
  it("gives every open case's open signals the outcome, twice for one case as once, and leaves a closed case alone", async () => {
    const [first, second, closed] = [await openCase(), await openCase(), await openCase()];
    const feedback = caseFeedbackHandlers(nlGovSource('00000000000000000000', 'vangnet-signals'));
    await run(feedback, 'nl.vangnet.referrals.ReferralClosed.v1', [{ item: { kind: 'case', id: closed.caseId } }]);
    const before = await signals.app.pool.query('SELECT feedback_status FROM signal WHERE id = $1', [closed.id]);

    await run(routingStatusHandlers(), 'nl.vangnet.networks.RoutingFailed.v1', [
      { item: { kind: 'case', id: first.caseId } },
      { item: { kind: 'case', id: closed.caseId } },
      { item: { kind: 'case', id: second.caseId } },
      { item: { kind: 'case', id: first.caseId } },
    ]);
    const { rows } = await signals.app.pool.query(
      `SELECT s.id::text, s.feedback_status, c.with_coordinator FROM signal s JOIN household_case c ON c.id = s.case_id
        WHERE s.id = ANY($1::uuid[])`,
      [[first.id, second.id, closed.id]],
    );
    const byId = Object.fromEntries(rows.map((row: { id: string }) => [row.id, row]));
    expect(byId[first.id]).toMatchObject({ feedback_status: 'with_coordinator', with_coordinator: true });
    expect(byId[second.id]).toMatchObject({ feedback_status: 'with_coordinator', with_coordinator: true });
    expect(byId[closed.id]).toMatchObject({ feedback_status: before.rows[0].feedback_status, with_coordinator: false });
  });
});

import { randomUUID } from 'node:crypto';
import { applyRun } from '@vangnet/testing/event-runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelHandlers } from '../src/integration/consumers.ts';
import { type Harness, startReferrals } from './harness.ts';

let referrals: Harness;

beforeAll(async () => {
  referrals = await startReferrals();
});

afterAll(async () => {
  await referrals?.close();
});

const raise = (type: 'CaseOpened' | 'CaseSignalAdded', changes: { caseId: string; urgency: string }[]) =>
  applyRun(referrals.app.prisma, readModelHandlers, `nl.vangnet.signals.${type}.v1`, changes);

const urgencies = async (itemIds: string[]) =>
  (
    await referrals.app.pool.query<{ item_id: string; held: string; on_referral: string | null }>(
      `SELECT u.item_id::text, u.urgency AS held, r.urgency AS on_referral
         FROM item_urgency u LEFT JOIN referral r ON r.item_id = u.item_id
        WHERE u.item_id = ANY($1::uuid[]) ORDER BY u.item_id`,
      [itemIds],
    )
  ).rows;

describe('case urgency: a run of signals in one statement', () => {
  it("keeps per case the highest of the run and of what is held, and copies a raise onto the case's referral", async () => {
    const [withReferral, fresh, alreadyCrisis] = [randomUUID(), randomUUID(), randomUUID()];
    const { data } = await referrals.decide({ item: { kind: 'case', id: withReferral } });
    await referrals.referralOf(data.decisionId);
    await raise('CaseOpened', [{ caseId: withReferral, urgency: 'urgent' }]);
    await raise('CaseOpened', [{ caseId: alreadyCrisis, urgency: 'crisis' }]);

    await raise('CaseSignalAdded', [
      { caseId: withReferral, urgency: 'regular' },
      { caseId: fresh, urgency: 'urgent' },
      { caseId: withReferral, urgency: 'crisis' },
      { caseId: alreadyCrisis, urgency: 'urgent' },
      { caseId: withReferral, urgency: 'urgent' },
      { caseId: fresh, urgency: 'regular' },
    ]);

    expect(await urgencies([withReferral, fresh, alreadyCrisis])).toEqual(
      [
        { item_id: withReferral, held: 'crisis', on_referral: 'crisis' },
        { item_id: fresh, held: 'urgent', on_referral: null },
        { item_id: alreadyCrisis, held: 'crisis', on_referral: null },
      ].sort((a, b) => a.item_id.localeCompare(b.item_id)),
    );
  });

  it('never lowers what is held, and leaves the referral as it was', async () => {
    const caseId = randomUUID();
    const { data } = await referrals.decide({ item: { kind: 'case', id: caseId } });
    await referrals.referralOf(data.decisionId);
    await raise('CaseOpened', [{ caseId, urgency: 'crisis' }]);
    await raise('CaseSignalAdded', [
      { caseId, urgency: 'regular' },
      { caseId, urgency: 'urgent' },
    ]);
    expect(await urgencies([caseId])).toEqual([{ item_id: caseId, held: 'crisis', on_referral: 'crisis' }]);
  });
});

import { randomUUID } from 'node:crypto';
import type { ClosingResult } from '@vangnet/contracts/codes';
import { nlGovSource } from '@vangnet/contracts/envelope';
import { ReferralClosedV1 } from '@vangnet/contracts/referrals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { outboxMessage } from '@vangnet/messaging/outbox';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energySignal, rentSignal, startSignals, uniqueAddress } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  signals = await startSignals();
});

afterAll(async () => {
  await signals?.close();
});

/**
 * Publishes a ReferralClosed through real Kafka as referrals would: this
 * service's own relay carries it (the outbox row names the referrals topic),
 * and its case-feedback consumer takes it in.
 */
async function referralClosed(caseId: string, result: ClosingResult) {
  const message = outboxMessage(
    ReferralClosedV1,
    {
      referralId: randomUUID(),
      item: { kind: 'case', id: caseId },
      teamId: randomUUID(),
      result,
      closedAt: new Date().toISOString(),
    },
    { source: nlGovSource('00000000000000000000', 'vangnet-referrals') },
  );
  await appendToOutbox(signals.app.prisma, [message]);
  return message.eventId;
}

const statusOf = async (signalId: string, token: string) =>
  (await signals.request('GET', `/v1/signals/${signalId}`, token)).json().status as string;

describe('closed loop: a referral closed in referrals becomes purpose-limited feedback', () => {
  it('when the team closes the case as deceased, then both partners of the household learn deceased, and CaseClosed is published', async () => {
    const address = uniqueAddress();
    const landlord = await signals.token('landlord');
    const energy = await signals.token('energy');
    const rent = (await signals.post(rentSignal(address), landlord)).json();
    const power = (await signals.post(energySignal(address), energy)).json();

    await referralClosed(rent.caseId, 'deceased');

    await waitFor('the landlord sees deceased', async () =>
      (await statusOf(rent.id, landlord)) === 'deceased' ? true : undefined,
    );
    expect(await statusOf(power.id, energy)).toBe('deceased');
    const { rows } = await signals.app.pool.query(
      `SELECT payload FROM outbox WHERE message_key = $1 AND headers->>'ce_type' = 'nl.vangnet.signals.CaseClosed.v1'`,
      [rent.caseId],
    );
    expect(rows.map((row: { payload: unknown }) => row.payload)).toEqual([
      expect.objectContaining({ caseId: rent.caseId, result: 'deceased' }),
    ]);
  });

  it('when the team closes with a quick fix, then the landlord learns only picked_up, never why', async () => {
    const landlord = await signals.token('landlord');
    const rent = (await signals.post(rentSignal(), landlord)).json();

    await referralClosed(rent.caseId, 'quick_fix');
    const seen = await waitFor('the landlord sees the closing', async () => {
      const body = (await signals.request('GET', `/v1/signals/${rent.id}`, landlord)).json();
      return body.status === 'in_progress' ? undefined : body;
    });
    expect(seen.status).toBe('picked_up');
    expect(JSON.stringify(seen)).not.toContain('quick_fix');
    const listed = (await signals.request('GET', '/v1/signals?status=picked_up', landlord)).json();
    expect(listed.items.map((item: { id: string }) => item.id)).toContain(rent.id);
  });

  it('when the team gives up after every contact attempt failed, then the landlord learns only not_picked_up', async () => {
    const landlord = await signals.token('landlord');
    const rent = (await signals.post(rentSignal(), landlord)).json();

    await referralClosed(rent.caseId, 'no_contact_final');
    const seen = await waitFor('the landlord sees the closing', async () => {
      const body = (await signals.request('GET', `/v1/signals/${rent.id}`, landlord)).json();
      return body.status === 'in_progress' ? undefined : body;
    });
    expect(seen.status).toBe('not_picked_up');
    expect(JSON.stringify(seen)).not.toContain('no_contact');
  });

  it('when the team closes with follow-up help, then the landlord learns only picked_up; a later close does not overwrite it', async () => {
    const landlord = await signals.token('landlord');
    const rent = (await signals.post(rentSignal(), landlord)).json();

    await referralClosed(rent.caseId, 'follow_up_financial');
    await waitFor('the signal closes', async () =>
      (await statusOf(rent.id, landlord)) === 'picked_up' ? true : undefined,
    );
    const body = (await signals.request('GET', `/v1/signals/${rent.id}`, landlord)).json();
    expect(JSON.stringify(body)).not.toContain('follow_up');

    const second = await referralClosed(rent.caseId, 'deceased');
    // The second close is processed once the inbox holds its id; the case keeps the first result.
    await waitFor('the second close is processed', async () => {
      const { rows } = await signals.app.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [second]);
      return rows.length > 0 ? true : undefined;
    });
    const { rows } = await signals.app.pool.query('SELECT closing_result FROM household_case WHERE id = $1', [
      rent.caseId,
    ]);
    expect(rows[0].closing_result).toBe('follow_up_financial');
    expect(await statusOf(rent.id, landlord)).toBe('picked_up');
  });

  it('when a new signal arrives for a household whose case was closed, then it opens a new case', async () => {
    const address = uniqueAddress();
    const first = (await signals.post(rentSignal(address), await signals.token('landlord'))).json();
    await referralClosed(first.caseId, 'quick_fix');
    await waitFor('the case closes', async () => {
      const { rows } = await signals.app.pool.query('SELECT status FROM household_case WHERE id = $1', [first.caseId]);
      return rows[0]?.status === 'closed' ? true : undefined;
    });
    const next = (await signals.post(energySignal(address), await signals.token('energy'))).json();
    expect(next.caseId).not.toBe(first.caseId);
  });
});

import { randomUUID } from 'node:crypto';
import { nlGovSource } from '@vangnet/contracts/envelope';
import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { ReferralDeclinedV1 } from '@vangnet/contracts/referrals';
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
 * Publishes an event through real Kafka as networks or referrals would: this
 * service's relay carries the outbox row to the other service's topic, and
 * the case-access consumer takes it in.
 */
async function publish(message: ReturnType<typeof outboxMessage>) {
  await appendToOutbox(signals.app.prisma, [message]);
  return message.eventId;
}

const processed = (eventId: string) =>
  waitFor(
    `event ${eventId} processed`,
    async () => {
      const { rows } = await signals.app.pool.query(
        'SELECT 1 FROM inbox WHERE event_id = $1 AND consumer_group LIKE $2',
        [eventId, '%.signals.case-access'],
      );
      return rows.length > 0 ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );

const routeTo = (caseId: string, teamId: string, decidedAt = new Date()) =>
  publish(
    outboxMessage(
      RoutingDecidedV2,
      {
        decisionId: randomUUID(),
        item: { kind: 'case', id: caseId },
        teamId,
        informTeamIds: [],
        ruleId: 'rule-1',
        attempt: 1,
        excludedTeamIds: [],
        deadline: '2026-12-03',
        explanation: 'test routing',
        decidedAt: decidedAt.toISOString(),
      },
      { source: nlGovSource('00000000000000000000', 'vangnet-networks') },
    ),
  );

const subjectOf = (caseId: string, token: string) => signals.request('GET', `/v1/cases/${caseId}/subject`, token);

describe('GET /v1/cases/{caseId}/subject', () => {
  it('when a case is routed to team A, then A sees the subject, B does not, and after A declines neither does A', async () => {
    const signal = rentSignal();
    const accepted = (await signals.post(signal, await signals.token('landlord'))).json();
    const caseId = accepted.caseId as string;
    const teamA = randomUUID();
    const teamB = randomUUID();
    const tokenA = await signals.teamToken(teamA);
    const tokenB = await signals.teamToken(teamB);

    // Before any routing nobody sees it.
    expect((await subjectOf(caseId, tokenA)).statusCode).toBe(404);

    const decidedAt = new Date();
    await processed(
      await publish(
        outboxMessage(
          RoutingDecidedV2,
          {
            decisionId: randomUUID(),
            item: { kind: 'case', id: caseId },
            teamId: teamA,
            informTeamIds: [],
            ruleId: 'rule-1',
            attempt: 1,
            excludedTeamIds: [],
            deadline: '2026-12-03',
            explanation: 'test routing',
            decidedAt: decidedAt.toISOString(),
          },
          { source: nlGovSource('00000000000000000000', 'vangnet-networks') },
        ),
      ),
    );

    const shown = await subjectOf(caseId, tokenA);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      caseId,
      status: 'open',
      address: { postcode: signal.address.postcode, houseNumber: signal.address.houseNumber },
      signals: [
        {
          signalId: accepted.id,
          type: 'rent',
          partnerKind: 'landlord',
          subject: { givenName: 'Anna', familyName: 'de Vries', phone: '+31612345678' },
          arrears: { amount: 612.5, since: signal.arrears.since },
        },
      ],
    });

    const other = await subjectOf(caseId, tokenB);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('CASE_NOT_FOUND');
    expect(other.body).not.toContain('de Vries');

    await processed(
      await publish(
        outboxMessage(
          ReferralDeclinedV1,
          {
            referralId: randomUUID(),
            item: { kind: 'case', id: caseId },
            teamId: teamA,
            reason: 'no_capacity',
            declinedAt: new Date(decidedAt.getTime() + 60_000).toISOString(),
          },
          { source: nlGovSource('00000000000000000000', 'vangnet-referrals') },
        ),
      ),
    );
    expect((await subjectOf(caseId, tokenA)).statusCode).toBe(404);

    // Every read is logged with who and which case, and nothing of the person.
    const { rows } = await signals.app.pool.query(
      'SELECT organisation_id, outcome FROM subject_access_log WHERE case_id = $1 ORDER BY id',
      [caseId],
    );
    expect(rows).toEqual([
      { organisation_id: teamA, outcome: 'refused' },
      { organisation_id: teamA, outcome: 'shown' },
      { organisation_id: teamB, outcome: 'refused' },
      { organisation_id: teamA, outcome: 'refused' },
    ]);
  });

  it('when the person moved, then each signal shows the address its partner knows, beside the household the case opened for', async () => {
    const subject = { givenName: 'Fatima', familyName: 'El Amrani', dateOfBirth: '1984-09-12' };
    const oldHome = uniqueAddress();
    const newHome = { ...uniqueAddress(), houseNumberAddition: 'B' };
    const rent = (await signals.post({ ...rentSignal(oldHome), subject }, await signals.token('landlord'))).json();
    const power = (await signals.post({ ...energySignal(newHome), subject }, await signals.token('energy'))).json();
    expect(power.caseId).toBe(rent.caseId);
    const team = randomUUID();
    await processed(await routeTo(rent.caseId, team));

    const shown = (await subjectOf(rent.caseId, await signals.teamToken(team))).json();
    expect(shown.address).toEqual({ postcode: oldHome.postcode, houseNumber: oldHome.houseNumber });
    expect(shown.signals).toEqual([
      expect.objectContaining({
        signalId: rent.id,
        address: { postcode: oldHome.postcode, houseNumber: oldHome.houseNumber },
      }),
      expect.objectContaining({
        signalId: power.id,
        address: { postcode: newHome.postcode, houseNumber: newHome.houseNumber, houseNumberAddition: 'B' },
      }),
    ]);
  });

  it('when a partner token asks, then the case is not found: subjects are for teams, and which cases exist is not for partners to know', async () => {
    const response = await subjectOf(randomUUID(), await signals.token('landlord'));
    expect(response.statusCode).toBe(404);
  });
});

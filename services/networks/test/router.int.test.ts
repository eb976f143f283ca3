import { randomUUID } from 'node:crypto';
import { ReferralRequestedV1 } from '@vangnet/contracts/referrals';
import { CaseOpenedV1 } from '@vangnet/contracts/signals';
import { type Kafka, producerOptions } from '@vangnet/messaging/kafka';
import { type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, startNetworks } from './helpers.ts';

let networks: Awaited<ReturnType<typeof startNetworks>>;
let producer: ReturnType<Kafka['producer']>;

beforeAll(async () => {
  networks = await startNetworks();
  producer = networks.app.kafka.producer(producerOptions);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await networks?.close();
});

const source = 'urn:nld:oin:00000000000000000000:systeem:test';
const publish = async (message: OutboxMessage) => {
  await producer.send({
    topic: message.topic,
    messages: [{ key: message.messageKey, value: JSON.stringify(message.payload), headers: message.headers }],
  });
};

const openCase = (postcode: string, overrides: object = {}) => {
  const caseId = randomUUID();
  return {
    caseId,
    message: outboxMessage(
      CaseOpenedV1,
      {
        caseId,
        firstSignalId: randomUUID(),
        signalKind: 'rent',
        urgency: 'regular',
        postcode,
        houseNumber: 12,
        amountBand: '500_to_2000',
        openedAt: new Date().toISOString(),
        ...overrides,
      },
      { source },
    ),
  };
};

const decisionFor = (itemId: string) =>
  waitFor(`the routing decision for ${itemId}`, async () => {
    const { rows } = await networks.app.pool.query(
      `SELECT d.outcome, d.team_id, d.rule_id, d.reason, d.neighbourhood_code, o.headers->>'ce_type' AS type, o.payload
         FROM routing_decision d JOIN outbox o ON o.payload->>'decisionId' = d.id::text WHERE d.item_id = $1`,
      [itemId],
    );
    return rows[0];
  });

/** A municipality with a PC4 mapped to its north neighbourhood, a small team, an overflow team and a GP rule. */
async function routedArea() {
  const area = await networks.municipality();
  const createTeam = async (name: string, capacity: number) =>
    (
      await expectStatus(
        networks.call('POST', '/v1/teams', area.coordinator, {
          municipalityCode: area.code,
          name,
          neighbourhoodCodes: [area.north],
          capacity,
        }),
        201,
      )
    ).json().team.id as string;
  const small = await createTeam('Klein team', 1);
  const overflow = await createTeam('Overloop', 10);
  const coaches = await createTeam('Welzijnscoaches', 10);
  await expectStatus(
    networks.call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, {
      rules: [
        {
          id: 'gp',
          match: { itemKinds: ['gp_referral'], concernCodes: ['loneliness'] },
          teamId: coaches,
          deadlineWorkingDays: 3,
        },
        {
          id: 'north',
          match: { neighbourhoodCodes: [area.north], itemKinds: ['rent'] },
          teamId: small,
          deadlineWorkingDays: 5,
        },
        {
          id: 'north-overflow',
          match: { neighbourhoodCodes: [area.north], itemKinds: ['rent'] },
          teamId: overflow,
          deadlineWorkingDays: 5,
        },
      ],
    }),
    200,
  );
  await networks.app.prisma.postcodeRange.create({
    data: { postcode: area.digits, houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: area.north },
  });
  return { ...area, small, overflow, coaches };
}

describe('the router on the broker', () => {
  it('when cases open in a neighbourhood, then the first goes to its team and the next passes over the full team', async () => {
    const area = await routedArea();
    const first = openCase(`${area.digits}AB`);
    await publish(first.message);
    expect(await decisionFor(first.caseId)).toMatchObject({
      outcome: 'decided',
      team_id: area.small,
      rule_id: 'north',
      neighbourhood_code: area.north,
      type: 'nl.vangnet.networks.RoutingDecided.v2',
      payload: { teamId: area.small, attempt: 1, excludedTeamIds: [], neighbourhoodCode: area.north },
    });

    const second = openCase(`${area.digits}CD`);
    await publish(second.message);
    const decision = await decisionFor(second.caseId);
    expect(decision).toMatchObject({ outcome: 'decided', team_id: area.overflow, rule_id: 'north-overflow' });
    expect(decision.payload.explanation).toContain('Klein team is at capacity');
  });

  it('when the same case is opened twice under another event id, then it is routed once and counted once', async () => {
    const area = await routedArea();
    const opened = openCase(`${area.digits}AB`);
    await publish(opened.message);
    await decisionFor(opened.caseId);
    const again = outboxMessage(CaseOpenedV1, opened.message.payload as never, { source });
    expect(again.eventId).not.toBe(opened.message.eventId);
    await publish(again);
    // Ordered after the second one on the same partition (same key): once it is decided, the second was handled.
    const marker = openCase(`${area.digits}AB`);
    await publish({ ...marker.message, messageKey: opened.caseId });
    await decisionFor(marker.caseId);
    const { rows } = await networks.app.pool.query(
      'SELECT count(*)::int AS n FROM routing_decision WHERE item_id = $1',
      [opened.caseId],
    );
    expect(rows[0].n).toBe(1);
    expect((await networks.app.prisma.team.findUniqueOrThrow({ where: { id: area.small } })).openAssignments).toBe(1);
  });

  it('when a GP asks for a welfare coach, then the request goes to the coaches by its concern', async () => {
    const area = await routedArea();
    const requestId = randomUUID();
    await publish(
      outboxMessage(
        ReferralRequestedV1,
        {
          requestId,
          postcode: `${area.digits}EF`,
          houseNumber: 3,
          ageBand: '67_and_over',
          urgency: 'regular',
          concernCodes: ['loneliness'],
          requestedAt: new Date().toISOString(),
        },
        { source },
      ),
    );
    expect(await decisionFor(requestId)).toMatchObject({
      outcome: 'decided',
      team_id: area.coaches,
      rule_id: 'gp',
      payload: { item: { kind: 'referral_request', id: requestId } },
    });
  });

  it('when no rule fits, then routing fails and the item waits in that municipality’s coordinator queue', async () => {
    const area = await routedArea();
    const unmatched = openCase(`${area.digits}GH`, { signalKind: 'water' });
    await publish(unmatched.message);
    expect(await decisionFor(unmatched.caseId)).toMatchObject({
      outcome: 'failed',
      reason: 'no_matching_rule',
      type: 'nl.vangnet.networks.RoutingFailed.v1',
    });

    const queue = await networks.call('GET', '/v1/coordinator-queue', area.coordinator);
    expect(queue.json().items).toEqual([
      expect.objectContaining({
        municipalityCode: area.code,
        item: { kind: 'case', id: unmatched.caseId },
        reason: 'no_matching_rule',
      }),
    ]);
    const other = await networks.municipality();
    expect((await networks.call('GET', '/v1/coordinator-queue', other.coordinator)).json().items).toEqual([]);
  });
});

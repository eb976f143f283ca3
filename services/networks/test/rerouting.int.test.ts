import { randomUUID } from 'node:crypto';
import {
  ReferralClosedV1,
  ReferralDeclinedV1,
  ReferralEscalatedV1,
  ReferralTransferredV1,
} from '@vangnet/contracts/referrals';
import { CaseOpenedV1 } from '@vangnet/contracts/signals';
import { topics } from '@vangnet/contracts/topics';
import { type Kafka, producerOptions } from '@vangnet/messaging/kafka';
import { type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import { amsterdamDate, escalationDate } from '@vangnet/platform/working-days';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, startNetworks } from './helpers.ts';

let networks: Awaited<ReturnType<typeof startNetworks>>;
let producer: ReturnType<Kafka['producer']>;
let reader: ReturnType<Kafka['consumer']>;
/** Every message on routing.decisions.v1 since the file started, as referrals would read it. */
const decisions: { id: string; key: string; type: string; data: Record<string, unknown> }[] = [];

beforeAll(async () => {
  networks = await startNetworks();
  producer = networks.app.kafka.producer(producerOptions);
  await producer.connect();
  reader = networks.app.kafka.consumer({ groupId: `networks-rerouting-test-${randomUUID()}` });
  await reader.connect();
  await reader.subscribe({ topics: [topics.routingDecisions], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      decisions.push({
        id: headers.ce_id ?? '',
        key: String(message.key),
        type: headers.ce_type ?? '',
        data: JSON.parse(String(message.value)),
      });
    },
  });
});

afterAll(async () => {
  await reader?.disconnect();
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

/**
 * The `attempt`-th routing of the item by this file's networks, as it
 * arrived on the topic. Every test file runs its own networks on the shared
 * topics, and each of them answers every CaseOpened: only the events this
 * instance's outbox wrote are ours.
 */
const routingOf = (itemId: string, attempt: number) =>
  waitFor(
    `routing ${attempt} of ${itemId} on ${topics.routingDecisions}`,
    async () => {
      const { rows } = await networks.app.pool.query<{ event_id: string }>(
        `SELECT event_id FROM outbox WHERE topic = $1 AND message_key = $2 ORDER BY position`,
        [topics.routingDecisions, itemId],
      );
      const eventId = rows[attempt - 1]?.event_id;
      return eventId ? decisions.find((message) => message.id === eventId) : undefined;
    },
    { timeoutMs: 20_000 },
  );

const openAssignments = async (teamId: string) =>
  (await networks.app.prisma.team.findUniqueOrThrow({ where: { id: teamId } })).openAssignments;

const queueOf = async (coordinator: string) =>
  (await expectStatus(networks.call('GET', '/v1/coordinator-queue', coordinator), 200)).json().items as {
    id: string;
    item: { id: string };
    reason: string;
    referralId: string | null;
  }[];

/** A municipality whose rent cases in the north go to the first team, then to the second. */
async function twoTeamArea() {
  const area = await networks.municipality();
  const createTeam = async (name: string, municipalityCode = area.code, coordinator = area.coordinator) =>
    (
      await expectStatus(networks.call('POST', '/v1/teams', coordinator, { municipalityCode, name, capacity: 10 }), 201)
    ).json().team.id as string;
  const first = await createTeam('Eerste team');
  const second = await createTeam('Tweede team');
  const third = await createTeam('Derde team');
  await expectStatus(
    networks.call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, {
      rules: [
        { id: 'first', match: { itemKinds: ['rent'] }, teamId: first, deadlineWorkingDays: 5 },
        { id: 'second', match: { itemKinds: ['rent'] }, teamId: second, deadlineWorkingDays: 5 },
      ],
    }),
    200,
  );
  await networks.app.prisma.postcodeRange.create({
    data: { postcode: area.digits, houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: area.north },
  });
  return { ...area, first, second, third, createTeam };
}

async function openCase(digits: string) {
  const caseId = randomUUID();
  await publish(
    outboxMessage(
      CaseOpenedV1,
      {
        caseId,
        firstSignalId: randomUUID(),
        signalKind: 'rent',
        urgency: 'regular',
        postcode: `${digits}AB`,
        houseNumber: 12,
        amountBand: '500_to_2000',
        openedAt: new Date().toISOString(),
      },
      { source },
    ),
  );
  return { kind: 'case' as const, id: caseId };
}

const decline = (item: { kind: 'case'; id: string }, teamId: string) =>
  publish(
    outboxMessage(
      ReferralDeclinedV1,
      { referralId: randomUUID(), item, teamId, reason: 'no_capacity', declinedAt: new Date().toISOString() },
      { source },
    ),
  );

describe('re-routing on the broker', () => {
  it('when the first team declines, then the next team gets the item; when it declines too, then the coordinator does and can hand it to a team', async () => {
    const area = await twoTeamArea();
    const item = await openCase(area.digits);
    const first = await routingOf(item.id, 1);
    expect(first).toMatchObject({ type: 'nl.vangnet.networks.RoutingDecided.v2', data: { teamId: area.first } });
    const escalatesOn = first.data.escalatesOn;
    expect(escalatesOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    await decline(item, area.first);
    const second = await routingOf(item.id, 2);
    expect(second).toMatchObject({
      type: 'nl.vangnet.networks.RoutingDecided.v2',
      data: { teamId: area.second, attempt: 2, excludedTeamIds: [area.first], ruleId: 'second', escalatesOn },
    });
    expect(await openAssignments(area.first)).toBe(0);
    expect(await openAssignments(area.second)).toBe(1);

    await decline(item, area.second);
    const third = await routingOf(item.id, 3);
    expect(third).toMatchObject({
      type: 'nl.vangnet.networks.RoutingFailed.v1',
      data: { reason: 'no_team_left', item },
    });
    expect(await openAssignments(area.second)).toBe(0);
    const [waiting] = await queueOf(area.coordinator);
    expect(waiting).toMatchObject({ item, reason: 'no_team_left', municipalityCode: area.code });

    // The item waited in the queue until its first escalation date had passed.
    await networks.app.prisma.routedItem.update({
      where: { itemKind_itemId: { itemKind: item.kind, itemId: item.id } },
      data: { escalatesOn: new Date('2026-01-05T00:00:00Z') },
    });
    // The coordinator gives it back to the first team, by hand: routing 4, the first team no longer excluded.
    const elsewhere = await networks.municipality();
    const refused = await networks.call('POST', `/v1/coordinator-queue/${waiting?.id}/assign`, elsewhere.coordinator, {
      teamId: area.first,
    });
    expect(refused.json()).toMatchObject({ status: 404, code: 'QUEUE_ENTRY_NOT_FOUND' });
    await expectStatus(
      networks.call('POST', `/v1/coordinator-queue/${waiting?.id}/assign`, area.coordinator, { teamId: area.first }),
      200,
    );
    expect(await routingOf(item.id, 4)).toMatchObject({
      type: 'nl.vangnet.networks.RoutingDecided.v2',
      data: {
        teamId: area.first,
        ruleId: 'coordinator',
        attempt: 4,
        excludedTeamIds: [area.second],
        // A fresh date from today: the passed one would escalate the new referral at the next timer run.
        escalatesOn: escalationDate(amsterdamDate(new Date()), 5),
      },
    });
    expect(await queueOf(area.coordinator)).toEqual([]);
    expect(await openAssignments(area.first)).toBe(1);
    const again = await networks.call('POST', `/v1/coordinator-queue/${waiting?.id}/assign`, area.coordinator, {
      teamId: area.second,
    });
    expect(again.json()).toMatchObject({ status: 409, code: 'QUEUE_ENTRY_RESOLVED' });
  });

  it('when a team transfers the item, then the new team gets it under the reserved referral id; to a team elsewhere, the coordinator does', async () => {
    const area = await twoTeamArea();
    const item = await openCase(area.digits);
    await routingOf(item.id, 1);
    const newReferralId = randomUUID();
    const transfer = (teamId: string, toTeamId: string, referralId = newReferralId) =>
      publish(
        outboxMessage(
          ReferralTransferredV1,
          {
            referralId: randomUUID(),
            item,
            teamId,
            newReferralId: referralId,
            toTeamId,
            transferredBy: 'team',
            transferredAt: new Date().toISOString(),
          },
          { source },
        ),
      );
    await transfer(area.first, area.third);
    expect(await routingOf(item.id, 2)).toMatchObject({
      data: {
        teamId: area.third,
        referralId: newReferralId,
        ruleId: 'transfer',
        attempt: 2,
        excludedTeamIds: [area.first],
      },
    });
    expect([await openAssignments(area.first), await openAssignments(area.third)]).toEqual([0, 1]);

    const elsewhere = await networks.municipality();
    const foreign = await area.createTeam('Team elders', elsewhere.code, elsewhere.coordinator);
    const refusedReferral = randomUUID();
    await publish(
      outboxMessage(
        ReferralTransferredV1,
        {
          referralId: refusedReferral,
          item,
          teamId: area.third,
          newReferralId: randomUUID(),
          toTeamId: foreign,
          transferredBy: 'team',
          transferredAt: new Date().toISOString(),
        },
        { source },
      ),
    );
    const queued = await waitFor('the refused transfer in the queue', async () =>
      (await queueOf(area.coordinator)).find((entry) => entry.item.id === item.id),
    );
    expect(queued).toMatchObject({ reason: 'transfer_refused', referralId: refusedReferral });
    // Referrals hears it too: the reserved referral is not coming, the coordinator has the item.
    expect(await routingOf(item.id, 3)).toMatchObject({
      type: 'nl.vangnet.networks.RoutingFailed.v1',
      data: { item, reason: 'transfer_refused', explanation: expect.stringContaining('Team elders') },
    });
    expect(await openAssignments(area.third)).toBe(0);
    expect(await openAssignments(foreign)).toBe(0);
  });

  it('when the item was routed a hundred times, then a decline sends it to the coordinator with RoutingFailed no_team_left', async () => {
    const area = await twoTeamArea();
    const item = await openCase(area.digits);
    await routingOf(item.id, 1);
    await networks.app.prisma.routedItem.update({
      where: { itemKind_itemId: { itemKind: item.kind, itemId: item.id } },
      data: { attempt: 100 },
    });
    await decline(item, area.first);
    expect(await routingOf(item.id, 2)).toMatchObject({
      type: 'nl.vangnet.networks.RoutingFailed.v1',
      data: { item, reason: 'no_team_left', explanation: expect.stringContaining('routed 100 times') },
    });
    const queued = (await queueOf(area.coordinator)).find((entry) => entry.item.id === item.id);
    expect(queued).toMatchObject({ reason: 'too_many_attempts' });
    expect(await openAssignments(area.first)).toBe(0);
    expect(await openAssignments(area.second)).toBe(0);
  });

  it('when a referral escalates, then the coordinator sees it while the team keeps it; when it closes, then the slot is free', async () => {
    const area = await twoTeamArea();
    const item = await openCase(area.digits);
    const routed = await routingOf(item.id, 1);
    const referralId = randomUUID();
    await publish(
      outboxMessage(
        ReferralEscalatedV1,
        {
          referralId,
          item,
          teamId: area.first,
          deadline: String(routed.data.deadline),
          escalatesOn: String(routed.data.escalatesOn),
          escalatedAt: new Date().toISOString(),
        },
        { source },
      ),
    );
    const queued = await waitFor('the escalation in the queue', async () =>
      (await queueOf(area.coordinator)).find((entry) => entry.item.id === item.id),
    );
    expect(queued).toMatchObject({ reason: 'escalated', referralId });
    expect(await openAssignments(area.first)).toBe(1);
    // The team still holds it: the coordinator cannot assign it past the team, only follow it up.
    const held = await networks.call('POST', `/v1/coordinator-queue/${queued.id}/assign`, area.coordinator, {
      teamId: area.second,
    });
    expect(held.json()).toMatchObject({ status: 409, code: 'QUEUE_ITEM_HELD' });
    await expectStatus(networks.call('POST', `/v1/coordinator-queue/${queued.id}/resolve`, area.coordinator), 204);
    expect((await queueOf(area.coordinator)).find((entry) => entry.item.id === item.id)).toBeUndefined();

    await publish(
      outboxMessage(
        ReferralClosedV1,
        { referralId, item, teamId: area.first, result: 'follow_up_non_financial', closedAt: new Date().toISOString() },
        { source },
      ),
    );
    await waitFor('the slot freed', async () => ((await openAssignments(area.first)) === 0 ? true : undefined));
  });
});

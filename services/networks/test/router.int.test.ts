import { randomUUID } from 'node:crypto';
import { ReferralRequestedV1 } from '@vangnet/contracts/referrals';
import { CaseOpenedV1 } from '@vangnet/contracts/signals';
import { type Kafka, producerOptions } from '@vangnet/messaging/kafka';
import { type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlacesTakenMeanwhile, routeItems } from '../src/features/route-item/consumer.ts';
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

  it('when the teams changed since the router last saw them, then it decides on them as they are now', async () => {
    const area = await routedArea();
    const openAssignments = async () =>
      Object.fromEntries(
        (
          await networks.app.pool.query<{ id: string; open_assignments: number }>(
            'SELECT id::text, open_assignments FROM team WHERE id = ANY($1::uuid[])',
            [[area.small, area.overflow]],
          )
        ).rows.map((row) => [row.id, row.open_assignments]),
      );
    const first = openCase(`${area.digits}AB`);
    await publish(first.message);
    expect(await decisionFor(first.caseId)).toMatchObject({ team_id: area.small });

    // Another instance closed the small team's referral: the router last saw that team full.
    await networks.app.pool.query('UPDATE team SET open_assignments = 0 WHERE id = $1', [area.small]);
    const freed = openCase(`${area.digits}CD`);
    await publish(freed.message);
    expect(await decisionFor(freed.caseId)).toMatchObject({ outcome: 'decided', team_id: area.small });
    // The place its guess took at the overflow team went back.
    expect(await openAssignments()).toEqual({ [area.small]: 1, [area.overflow]: 0 });

    // The small team free again, the overflow team filled elsewhere: the guess (overflow) cannot be claimed.
    await networks.app.pool.query(
      'UPDATE team SET open_assignments = CASE WHEN id = $1 THEN 0 ELSE capacity END WHERE id = ANY($2::uuid[])',
      [area.small, [area.small, area.overflow]],
    );
    const filled = openCase(`${area.digits}EF`);
    await publish(filled.message);
    expect(await decisionFor(filled.caseId)).toMatchObject({ outcome: 'decided', team_id: area.small });
    expect(await openAssignments()).toEqual({ [area.small]: 1, [area.overflow]: 10 });
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

  it('when twenty cases of one household open at once, then they take the places in order and a repeat counts once', async () => {
    const area = await routedArea();
    const cases = Array.from({ length: 20 }, (_, n) => openCase(`${area.digits}AB`, { houseNumber: n + 1 }));
    const repeat = outboxMessage(CaseOpenedV1, cases[3]?.message.payload as never, { source });
    const messages = cases.map(({ message }) => message);
    messages.splice(8, 0, repeat);
    // One key, one send: one partition's batch, which the router takes in one run.
    const key = randomUUID();
    await producer.send({
      topic: CaseOpenedV1.topic,
      messages: messages.map((message) => ({
        key,
        value: JSON.stringify(message.payload),
        headers: message.headers,
      })),
    });
    const decisions = [];
    for (const { caseId } of cases) decisions.push(await decisionFor(caseId));
    expect(decisions.map((decision) => decision.team_id)).toEqual([
      area.small,
      ...Array.from({ length: 10 }, () => area.overflow),
      ...Array.from({ length: 9 }, () => null),
    ]);
    expect(decisions.slice(11).every((decision) => decision.reason === 'all_teams_at_capacity')).toBe(true);
    const { rows } = await networks.app.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM routing_decision WHERE item_id = ANY($1::uuid[])',
      [cases.map(({ caseId }) => caseId)],
    );
    expect(rows[0]?.n).toBe(20);
    const teams = await networks.app.prisma.team.findMany({ where: { id: { in: [area.small, area.overflow] } } });
    expect(Object.fromEntries(teams.map((team) => [team.id, team.openAssignments]))).toEqual({
      [area.small]: 1,
      [area.overflow]: 10,
    });
    const queue = (await networks.call('GET', '/v1/coordinator-queue?limit=50', area.coordinator)).json().items;
    expect(queue.map((entry: { item: { id: string } }) => entry.item.id).sort()).toEqual(
      cases
        .slice(11)
        .map(({ caseId }) => caseId)
        .sort(),
    );
  });
});

describe('routeItems, the router on a run of first routings', () => {
  const firstRouting = (caseId: string, postcode: string, houseNumber: number) => ({
    facts: { item: { kind: 'case' as const, id: caseId }, kind: 'rent' as const, urgency: 'regular' as const },
    address: { postcode, houseNumber },
    trace: {},
  });

  it('routes in order as routeItem would one by one: places taken, items routed before and repeats skipped', async () => {
    const area = await routedArea();
    const before = openCase(`${area.digits}AB`);
    await publish(before.message);
    expect(await decisionFor(before.caseId)).toMatchObject({ team_id: area.small });

    const ids = Array.from({ length: 12 }, () => randomUUID());
    const items = [
      firstRouting(before.caseId, `${area.digits}AB`, 12),
      ...ids.map((id, n) => firstRouting(id, `${area.digits}CD`, n + 1)),
      firstRouting(ids[0] as string, `${area.digits}CD`, 1),
      firstRouting(randomUUID(), '0000ZZ', 1),
    ];
    await networks.app.prisma.$transaction((tx) => routeItems(tx, items, source, 'bulk'));

    const { rows } = await networks.app.pool.query<{ item_id: string; team_id: string | null; reason: string | null }>(
      'SELECT item_id::text, team_id::text, reason FROM routing_decision WHERE item_id = ANY($1::uuid[])',
      [[before.caseId, ...ids]],
    );
    const byItem = new Map(rows.map((row) => [row.item_id, row]));
    expect(rows).toHaveLength(13);
    // The small team was full before the run: ten to the overflow, then the queue.
    expect(ids.slice(0, 10).map((id) => byItem.get(id)?.team_id)).toEqual(ids.slice(0, 10).map(() => area.overflow));
    expect(ids.slice(10).map((id) => byItem.get(id)?.reason)).toEqual([
      'all_teams_at_capacity',
      'all_teams_at_capacity',
    ]);
    const overflow = await networks.app.prisma.team.findUniqueOrThrow({ where: { id: area.overflow } });
    expect(overflow.openAssignments).toBe(10);
    // Every decision's event is in the outbox, on the bulk lane, in the run's order.
    const { rows: outbox } = await networks.app.pool.query<{ item: string; topic: string }>(
      `SELECT payload->'item'->>'id' AS item, topic FROM outbox
        WHERE payload->'item'->>'id' = ANY($1::text[]) ORDER BY position`,
      [ids],
    );
    expect(outbox.map((row) => row.item)).toEqual(ids);
    expect(new Set(outbox.map((row) => row.topic))).toEqual(new Set(['routing.decisions.bulk.v1']));
  });

  it('when another routing fills a team while a run is decided, then the run claims nothing and rolls back', async () => {
    const area = await routedArea();
    const ids = Array.from({ length: 3 }, () => randomUUID());
    const other = await networks.app.pool.connect();
    try {
      // Another transaction takes every place of both teams and holds them until the run has decided.
      await other.query('BEGIN');
      await other.query('UPDATE team SET open_assignments = capacity WHERE id = ANY($1::uuid[])', [
        [area.small, area.overflow],
      ]);
      const run = networks.app.prisma.$transaction((tx) =>
        routeItems(
          tx,
          ids.map((id, n) => firstRouting(id, `${area.digits}CD`, n + 1)),
          source,
          'bulk',
        ),
      );
      const outcome = run.then(
        () => 'committed',
        (error: unknown) => error,
      );
      await waitFor('the run waiting for the teams', async () => {
        const { rows } = await networks.app.pool.query(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE team SET open_assignments = open_assignments + taken.places%'",
        );
        return rows[0];
      });
      await other.query('COMMIT');
      expect(await outcome).toBeInstanceOf(PlacesTakenMeanwhile);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
    }
    const { rows } = await networks.app.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM routing_decision WHERE item_id = ANY($1::uuid[])',
      [ids],
    );
    expect(rows[0]?.n).toBe(0);
  });
});

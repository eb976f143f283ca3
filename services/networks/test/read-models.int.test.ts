import { randomUUID } from 'node:crypto';
import { NeighbourhoodChangedV1, PartnerChangedV1, TeamChangedV1 } from '@vangnet/contracts/networks';
import { topics } from '@vangnet/contracts/topics';
import type { Kafka } from '@vangnet/messaging/kafka';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, startNetworks } from './helpers.ts';

let networks: Awaited<ReturnType<typeof startNetworks>>;
let reader: ReturnType<Kafka['consumer']>;
/** Every message on networks.events.v1, as signals and referrals read it for their local copies. */
const entityMessages: { key: string; type: string; data: Record<string, unknown> }[] = [];

beforeAll(async () => {
  networks = await startNetworks();
  reader = networks.app.kafka.consumer({ groupId: `networks-read-models-test-${randomUUID()}` });
  await reader.connect();
  await reader.subscribe({ topics: [topics.networksEvents], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      entityMessages.push({
        key: String(message.key),
        type: String(message.headers?.ce_type ?? ''),
        data: JSON.parse(String(message.value)),
      });
    },
  });
});

afterAll(async () => {
  await reader?.disconnect();
  await networks?.close();
});

/** The messages with this key, once there are `count` of them. */
const messagesFor = (key: string, count: number) =>
  waitFor(`${count} messages keyed ${key}`, async () => {
    const found = entityMessages.filter((message) => message.key === key);
    return found.length >= count ? found : undefined;
  });

const partner = (municipalityCodes: string[], overrides: object = {}) => ({
  kind: 'landlord',
  kvk: '12345678',
  municipalityCodes,
  signalKinds: ['rent'],
  ...overrides,
});

describe('entity changes on the compacted topic', () => {
  it('publishes teams, neighbourhoods and partners keyed by entity, with their whole state each time', async () => {
    const area = await networks.municipality();
    const team = (
      await expectStatus(
        networks.call('POST', '/v1/teams', area.coordinator, {
          municipalityCode: area.code,
          name: 'Buurtteam Noord',
          neighbourhoodCodes: [area.north],
          capacity: 12,
        }),
        201,
      )
    ).json().team;
    const partnerId = `woonstichting-${randomUUID().slice(0, 8)}`;
    await expectStatus(networks.call('PUT', `/v1/partners/${partnerId}`, area.coordinator, partner([area.code])), 201);
    const changed = await expectStatus(
      networks.call(
        'PUT',
        `/v1/partners/${partnerId}`,
        area.coordinator,
        partner([area.code], { signalKinds: ['rent', 'water'], active: false }),
      ),
      200,
    );
    expect(changed.json()).toMatchObject({ partnerId, kvk: '12345678', oin: null, active: false, revision: 2 });

    const [teamMessage] = await messagesFor(`team:${team.id}`, 1);
    expect(teamMessage?.type).toBe(TeamChangedV1.type);
    expect(TeamChangedV1.schema.parse(teamMessage?.data)).toMatchObject({
      teamId: team.id,
      municipalityCode: area.code,
      name: 'Buurtteam Noord',
      neighbourhoodCodes: [area.north],
      capacity: 12,
      active: true,
      revision: 1,
    });
    const [neighbourhoodMessage] = await messagesFor(`neighbourhood:${area.north}`, 1);
    expect(neighbourhoodMessage?.type).toBe(NeighbourhoodChangedV1.type);
    expect(NeighbourhoodChangedV1.schema.parse(neighbourhoodMessage?.data)).toMatchObject({
      neighbourhoodCode: area.north,
      districtCode: area.district,
      municipalityCode: area.code,
      active: true,
    });
    const partnerMessages = await messagesFor(`partner:${partnerId}`, 2);
    expect(partnerMessages.map((message) => message.type)).toEqual([PartnerChangedV1.type, PartnerChangedV1.type]);
    // Each message is the whole state, so the last one compaction keeps is enough on its own.
    expect(partnerMessages.map((message) => PartnerChangedV1.schema.parse(message.data))).toEqual([
      expect.objectContaining({ kind: 'landlord', signalKinds: ['rent'], active: true, revision: 1 }),
      expect.objectContaining({
        partnerId,
        kind: 'landlord',
        municipalityCodes: [area.code],
        signalKinds: ['rent', 'water'],
        active: false,
        revision: 2,
      }),
    ]);

    const admin = networks.app.kafka.admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topics.networksEvents, configNames: ['cleanup.policy'] }],
      });
      expect(resources[0]?.configEntries).toEqual([expect.objectContaining({ configValue: 'compact' })]);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('partner organisations', () => {
  it('when the register number is missing, doubled or malformed, then every invalid field is listed', async () => {
    const area = await networks.municipality();
    const put = (body: object) => networks.call('PUT', `/v1/partners/p-${randomUUID()}`, area.coordinator, body);
    const both = await put(partner([area.code], { oin: '00000001001234567000' }));
    expect(both.statusCode).toBe(400);
    expect(both.headers['content-type']).toContain('application/problem+json');
    expect(both.json().errors).toEqual([expect.objectContaining({ pointer: '/kvk' })]);
    const malformed = await put({
      kind: 'bakery',
      oin: '123',
      municipalityCodes: [],
      signalKinds: ['rent'],
      colour: 'blue',
    });
    expect(malformed.statusCode).toBe(400);
    expect(
      malformed
        .json()
        .errors.map((error: { pointer: string }) => error.pointer)
        .sort(),
    ).toEqual(['/colour', '/kind', '/municipalityCodes', '/oin'].sort());
    const unknown = await networks.call(
      'PUT',
      `/v1/partners/p-${randomUUID()}`,
      area.admin,
      partner([area.code, 'GM0001']),
    );
    expect(unknown.json()).toMatchObject({
      status: 422,
      code: 'PARTNER_MUNICIPALITY_UNKNOWN',
      errors: [{ pointer: '/municipalityCodes/1' }],
    });
  });

  it('when a partner works in two municipalities, then only an admin changes it and each coordinator sees it', async () => {
    const one = await networks.municipality();
    const two = await networks.municipality();
    const partnerId = `energie-${randomUUID().slice(0, 8)}`;
    const body = partner([one.code, two.code], { kind: 'energy', kvk: undefined, oin: '00000003123456780000' });
    const byCoordinator = await networks.call('PUT', `/v1/partners/${partnerId}`, one.coordinator, body);
    expect(byCoordinator.json()).toMatchObject({ status: 403, code: 'NOT_YOUR_MUNICIPALITY' });
    await expectStatus(networks.call('PUT', `/v1/partners/${partnerId}`, one.admin, body), 201);

    const list = await networks.call('GET', '/v1/partners', two.coordinator);
    expect(list.json().partners).toEqual([expect.objectContaining({ partnerId, oin: '00000003123456780000' })]);
    const third = await networks.municipality();
    const hidden = await networks.call('GET', `/v1/partners/${partnerId}`, third.coordinator);
    expect(hidden.json()).toMatchObject({ status: 404, code: 'PARTNER_NOT_FOUND' });
    const rekinded = await networks.call('PUT', `/v1/partners/${partnerId}`, one.admin, { ...body, kind: 'water' });
    expect(rekinded.json()).toMatchObject({ status: 409, code: 'PARTNER_KIND_FIXED' });
  });
});

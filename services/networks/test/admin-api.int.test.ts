import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, startNetworks } from './helpers.ts';

let networks: Awaited<ReturnType<typeof startNetworks>>;

beforeAll(async () => {
  networks = await startNetworks();
});

afterAll(async () => {
  await networks?.close();
});

const team = (municipalityCode: string, neighbourhoodCodes: string[], overrides: object = {}) => ({
  municipalityCode,
  name: 'Buurtteam Test',
  specialisms: ['general_social_work'],
  neighbourhoodCodes,
  capacity: 10,
  ...overrides,
});

const createTeam = async (bearer: string, body: object) =>
  (await expectStatus(networks.call('POST', '/v1/teams', bearer, body), 201)).json().team as { id: string };

describe('admin API', () => {
  it('when a coordinator sets up teams and rules, then the simulation names the rule, the team and the deadline', async () => {
    const area = await networks.municipality();
    const { call } = networks;
    const north = await createTeam(area.coordinator, team(area.code, [area.north]));
    const general = await createTeam(area.coordinator, team(area.code, [area.north, area.south]));
    await expectStatus(
      call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, {
        rules: [
          { id: 'north', match: { neighbourhoodCodes: [area.north] }, teamId: north.id, deadlineWorkingDays: 5 },
          { id: 'rest', match: {}, teamId: general.id, informTeamIds: [north.id], deadlineWorkingDays: 10 },
        ],
      }),
      200,
    );
    await networks.app.prisma.postcodeRange.createMany({
      data: [{ postcode: `${area.digits}`, houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: area.south }],
    });
    await networks.app.prisma.postcodeRange.createMany({
      data: [{ postcode: `${area.digits}AB`, houseNumberFrom: 1, houseNumberTo: 20, neighbourhoodCode: area.north }],
    });

    const simulate = (houseNumber: number) =>
      call('POST', '/v1/routing/simulate', area.coordinator, {
        postcode: `${area.digits} ab`,
        houseNumber,
        kind: 'rent',
      });
    const inNorth = (await expectStatus(simulate(7), 200)).json();
    expect(inNorth).toMatchObject({
      outcome: 'decided',
      neighbourhoodCode: area.north,
      teamId: north.id,
      ruleId: 'north',
    });
    expect(inNorth.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const pc4Fallback = (await expectStatus(simulate(21), 200)).json();
    expect(pc4Fallback).toMatchObject({
      neighbourhoodCode: area.south,
      teamId: general.id,
      ruleId: 'rest',
      informTeamIds: [north.id],
    });
    // No side effects: nothing decided, nothing counted.
    // (Counted for this municipality: the router of this file also routes other files' events.)
    expect(await networks.app.prisma.routingDecision.count({ where: { municipalityCode: area.code } })).toBe(0);
    expect((await networks.app.prisma.team.findUniqueOrThrow({ where: { id: north.id } })).openAssignments).toBe(0);
  });

  it('when a rule names an unknown or inactive team, then the list is refused with the code and nothing changes', async () => {
    const area = await networks.municipality();
    const active = await createTeam(area.coordinator, team(area.code, [area.north]));
    const inactive = await createTeam(area.coordinator, team(area.code, [area.north], { active: false }));
    const put = (rules: object[]) =>
      networks.call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, { rules });
    await expectStatus(put([{ id: 'ok', match: {}, teamId: active.id, deadlineWorkingDays: 5 }]), 200);

    const unknown = await put([
      { id: 'ghost', match: {}, teamId: '00000000-0000-4000-8000-00000000dead', deadlineWorkingDays: 5 },
    ]);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({
      code: 'RULE_TEAM_UNKNOWN',
      errors: [{ pointer: '/rules/0/teamId', code: 'RULE_TEAM_UNKNOWN' }],
    });
    const sleeping = await put([{ id: 'sleeping', match: {}, teamId: inactive.id, deadlineWorkingDays: 5 }]);
    expect(sleeping.json()).toMatchObject({ status: 422, code: 'RULE_TEAM_INACTIVE' });

    const list = await networks.call('GET', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator);
    expect(list.json().rules.map((rule: { id: string }) => rule.id)).toEqual(['ok']);
  });

  it('when a team goes inactive, then the rules naming it are switched off and reported, and TeamChanged is published', async () => {
    const area = await networks.municipality();
    const { call } = networks;
    const body = team(area.code, [area.north]);
    const leaving = await createTeam(area.coordinator, body);
    const staying = await createTeam(area.coordinator, team(area.code, [area.south]));
    await expectStatus(
      call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, {
        rules: [
          { id: 'leaving', match: {}, teamId: leaving.id, deadlineWorkingDays: 5 },
          { id: 'staying', match: {}, teamId: staying.id, deadlineWorkingDays: 5 },
        ],
      }),
      200,
    );

    const saved = (
      await expectStatus(call('PUT', `/v1/teams/${leaving.id}`, area.coordinator, { ...body, active: false }), 200)
    ).json();
    expect(saved.disabledRules).toEqual([
      { municipalityCode: area.code, ruleId: 'leaving', reason: expect.stringContaining('went inactive') },
    ]);
    const rules = (await call('GET', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator)).json().rules;
    expect(rules).toMatchObject([
      { id: 'leaving', enabled: false, disabledReason: expect.stringContaining('went inactive') },
      { id: 'staying', enabled: true, disabledReason: null },
    ]);

    const { rows } = await networks.app.pool.query(
      `SELECT payload FROM outbox WHERE headers->>'ce_type' = 'nl.vangnet.networks.TeamChanged.v1'
         AND payload->>'teamId' = $1 ORDER BY position`,
      [leaving.id],
    );
    expect(rows.map((row) => [row.payload.active, row.payload.revision])).toEqual([
      [true, 1],
      [false, 2],
    ]);
  });

  it('when the rules change or a team goes inactive, then the next decision uses the new list (no stale cached rules)', async () => {
    const area = await networks.municipality();
    const body = team(area.code, [area.north]);
    const first = await createTeam(area.coordinator, body);
    const second = await createTeam(area.coordinator, team(area.code, [area.north]));
    const rules = (ids: string[]) =>
      expectStatus(
        networks.call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, {
          rules: ids.map((id, n) => ({ id: `rule-${n}`, match: {}, teamId: id, deadlineWorkingDays: 5 })),
        }),
        200,
      );
    await networks.app.prisma.postcodeRange.create({
      data: { postcode: area.digits, houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: area.north },
    });
    const chosen = async () =>
      (
        await expectStatus(
          networks.call('POST', '/v1/routing/simulate', area.coordinator, {
            postcode: `${area.digits}AB`,
            houseNumber: 1,
            kind: 'rent',
          }),
          200,
        )
      ).json().teamId;
    await rules([first.id, second.id]);
    expect(await chosen()).toBe(first.id);
    await rules([second.id, first.id]);
    expect(await chosen()).toBe(second.id);
    const version = async () =>
      (await networks.app.prisma.municipality.findUniqueOrThrow({ where: { code: area.code } })).rulesVersion;
    const before = await version();
    await expectStatus(
      networks.call('PUT', `/v1/teams/${second.id}`, area.coordinator, {
        ...team(area.code, [area.north]),
        active: false,
      }),
      200,
    );
    // Switching the rule off is a rule change: the cached list is dropped, not merely outvoted by the team state.
    expect(await version()).not.toBe(before);
    expect(await chosen()).toBe(first.id);
  });

  it("when a coordinator touches another municipality, then it is refused; another's team is not found", async () => {
    const mine = await networks.municipality();
    const theirs = await networks.municipality();
    const theirTeam = await createTeam(theirs.coordinator, team(theirs.code, [theirs.north]));
    const refused = await networks.call('GET', `/v1/municipalities/${theirs.code}/routing-rules`, mine.coordinator);
    expect(refused.json()).toMatchObject({ status: 403, code: 'NOT_YOUR_MUNICIPALITY' });
    const hidden = await networks.call('GET', `/v1/teams/${theirTeam.id}`, mine.coordinator);
    expect(hidden.json()).toMatchObject({ status: 404, code: 'TEAM_NOT_FOUND' });
    const creating = await networks.call('POST', '/v1/teams', mine.coordinator, team(theirs.code, []));
    expect(creating.statusCode).toBe(403);
  });

  it('when a token lacks the scope or is of a team, then the admin API refuses it', async () => {
    const area = await networks.municipality();
    const teamToken = await networks.token('team', area.code, ['networks:admin']);
    const noScope = await networks.token('coordinator', area.code, []);
    for (const bearer of [teamToken, noScope]) {
      const response = await networks.call('GET', `/v1/municipalities/${area.code}/areas`, bearer);
      expect(response.statusCode).toBe(403);
    }
    const ok = await networks.call('GET', `/v1/municipalities/${area.code}/areas`, area.coordinator);
    expect(ok.json()).toMatchObject({ districts: [{ code: area.district }], neighbourhoods: [{}, {}] });
  });

  it('serves the admin API in the OpenAPI document', async () => {
    const response = await networks.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(Object.keys(response.json().paths)).toEqual(
      expect.arrayContaining([
        '/routing/simulate',
        '/coordinator-queue',
        '/teams',
        '/postcode-map',
        '/partners/{partnerId}',
      ]),
    );
  });
});

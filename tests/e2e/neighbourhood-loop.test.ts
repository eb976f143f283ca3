import { randomInt, randomUUID } from 'node:crypto';
import { demoRentSignal } from '@vangnet/infra/demo-data';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from './fixtures/system.ts';

/**
 * The whole loop across the three services, set up the way a municipality
 * does it (through the networks admin API, not the test shortcuts): two
 * neighbourhoods, three teams of which one is full, ordered rules. Rent
 * signals and a GP referral land with the right teams, a decline re-routes,
 * the teams work their referrals to the end, and each sender sees what it
 * may see and nothing more.
 */

const municipality = 'GM9902';
const district = 'WK990201';
const north = 'BU99020101';
const south = 'BU99020102';
const northPostcode = '9902AB';
const southPostcode = '9902CD';

let system: System;
let coordinator: string;
const teams = { full: '', north: '', south: '' };

interface Referral {
  id: string;
  teamId: string;
  status: string;
  item: { kind: string; id: string };
  links: { subject?: string };
  allowedActions: string[];
}

const json = async <T>(response: Response | Promise<Response>, status: number): Promise<T> => {
  const resolved = await response;
  const text = await resolved.text();
  if (resolved.status !== status) throw new Error(`expected ${status}, got ${resolved.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
};

async function admin(method: 'PUT' | 'POST', url: string, token: string, payload: unknown, contentType?: string) {
  const response = await system.networks.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
    payload: payload as string,
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response;
}

const teamToken = (teamId: string) =>
  system.issuer.sign({
    organisationId: teamId,
    kind: 'team',
    scopes: ['referrals:read', 'referrals:write'],
    municipalityCode: municipality,
  });

async function inbox(teamId: string): Promise<Referral[]> {
  const response = await fetch(
    `${system.referralsUrl}/v1/teams/${teamId}/referrals?status=routed,accepted,in_progress,closed,declined`,
    {
      headers: { authorization: `Bearer ${await teamToken(teamId)}` },
    },
  );
  return (await json<{ items: Referral[] }>(response, 200)).items;
}

/** A probe for waitFor: the referral of `itemId` in the team's inbox, with the status wanted. */
const referralIn =
  (teamId: string, itemId: string, status = 'routed') =>
  async () =>
    (await inbox(teamId)).find((referral) => referral.item.id === itemId && referral.status === status);

async function act(teamId: string, referralId: string, action: string, body: unknown = {}) {
  return fetch(`${system.referralsUrl}/v1/teams/${teamId}/referrals/${referralId}/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await teamToken(teamId)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const landlordToken = () =>
  system.issuer.sign({
    organisationId: 'woonstichting-loop',
    kind: 'landlord',
    scopes: ['signals:write', 'signals:read'],
  });
const gpToken = (practice: string) =>
  system.issuer.sign({ organisationId: practice, kind: 'gp', scopes: ['referrals:write', 'referrals:read'] });

async function postRentSignal(postcode: string) {
  const response = await fetch(`${system.signalsUrl}/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await landlordToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...demoRentSignal(),
      reference: `HUUR-${randomUUID()}`,
      // A household of its own: at one address the second signal would join the first one's case.
      address: { postcode, houseNumber: randomInt(1, 99999) },
    }),
  });
  return json<{ id: string; caseId: string; status: string }>(response, 201);
}

async function landlordView(signalId: string) {
  const response = await fetch(`${system.signalsUrl}/v1/signals/${signalId}`, {
    headers: { authorization: `Bearer ${await landlordToken()}` },
  });
  return json<{ status: string } & Record<string, unknown>>(response, 200);
}

async function postGpReferral(practice: string, postcode: string) {
  const response = await fetch(`${system.referralsUrl}/v1/referrals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await gpToken(practice)}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      reference: `WOR-${randomUUID()}`,
      patient: {
        givenName: 'Jan',
        familyName: 'Jansen',
        dateOfBirth: '1950-03-14',
        phone: '+31612345678',
        address: { postcode, houseNumber: 3 },
      },
      concern: { codes: ['loneliness'], icpc: 'Z68' },
      urgency: 'regular',
      referrer: { name: 'Dr. de Boer', role: 'gp', phone: '0201234567' },
      consent: {
        given: true,
        recordedBy: 'Dr. de Boer',
        recordedAt: new Date(Date.now() - 60_000).toISOString(),
        purposes: ['referral_to_welfare_coach', 'share_with_team', 'feedback_to_referrer'],
      },
    }),
  });
  return json<{ id: string; status: string }>(response, 201);
}

async function gpView(practice: string, requestId: string) {
  return fetch(`${system.referralsUrl}/v1/referrals/${requestId}`, {
    headers: { authorization: `Bearer ${await gpToken(practice)}` },
  });
}

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
  const adminToken = await system.issuer.sign({
    organisationId: 'vangnet-beheer',
    kind: 'admin',
    scopes: ['networks:admin'],
  });
  coordinator = await system.issuer.sign({
    organisationId: 'coordinator-gm9902',
    kind: 'coordinator',
    scopes: ['networks:admin'],
    municipalityCode: municipality,
  });
  await admin('PUT', `/v1/municipalities/${municipality}`, adminToken, { name: 'Gemeente Loop' });
  await admin('PUT', `/v1/districts/${district}`, coordinator, { municipalityCode: municipality, name: 'Centrum' });
  for (const code of [north, south]) {
    await admin('PUT', `/v1/neighbourhoods/${code}`, coordinator, { districtCode: district, name: code });
  }
  await admin(
    'PUT',
    '/v1/postcode-map',
    adminToken,
    `postcode;from;to;neighbourhood\n${northPostcode};1;99999;${north}\n${southPostcode};1;99999;${south}\n`,
    'text/csv',
  );
  const team = (name: string, neighbourhoodCodes: string[], capacity: number) => ({
    municipalityCode: municipality,
    name,
    specialisms: ['general_social_work'],
    neighbourhoodCodes,
    capacity,
  });
  for (const [key, body] of [
    ['full', team('Schuldhulp Centrum (vol)', [north, south], 0)],
    ['north', team('Buurtteam Noord', [north], 10)],
    ['south', team('Buurtteam Zuid', [south], 10)],
  ] as const) {
    teams[key] = (await admin('POST', '/v1/teams', coordinator, body)).json<{ team: { id: string } }>().team.id;
  }
  // Debt signals go first to the specialised team (full, so it is passed
  // over); each neighbourhood's team comes next; GP referrals that nobody in
  // their own neighbourhood takes fall back to the north team.
  await admin('PUT', `/v1/municipalities/${municipality}/routing-rules`, coordinator, {
    rules: [
      { id: 'debt-specialists', match: { itemKinds: ['rent'] }, teamId: teams.full, deadlineWorkingDays: 3 },
      { id: 'north', match: { neighbourhoodCodes: [north] }, teamId: teams.north, deadlineWorkingDays: 5 },
      { id: 'south', match: { neighbourhoodCodes: [south] }, teamId: teams.south, deadlineWorkingDays: 5 },
      { id: 'gp-fallback', match: { itemKinds: ['gp_referral'] }, teamId: teams.north, deadlineWorkingDays: 5 },
    ],
  });
});

afterAll(async () => {
  await system?.close();
});

describe('the neighbourhood loop across signals, networks and referrals', () => {
  it('when rent signals come in from both neighbourhoods, then each reaches its own team and the full team is passed over', async () => {
    const inNorth = await postRentSignal(northPostcode);
    const inSouth = await postRentSignal(southPostcode);

    const northReferral = await waitFor('the north case in Buurtteam Noord', referralIn(teams.north, inNorth.caseId));
    const southReferral = await waitFor('the south case in Buurtteam Zuid', referralIn(teams.south, inSouth.caseId));
    expect(northReferral.item).toEqual({ kind: 'case', id: inNorth.caseId });
    expect(southReferral.item).toEqual({ kind: 'case', id: inSouth.caseId });

    // The router recorded why the first rule's team did not get them.
    const { rows } = await system.networks.pool.query<{ team_id: string; explanation: string }>(
      'SELECT team_id, explanation FROM routing_decision WHERE item_id = $1',
      [inNorth.caseId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.team_id).toBe(teams.north);
    expect(rows[0]?.explanation).toMatch(/capacity/i);
    expect(await inbox(teams.full)).toEqual([]);
    // Neither team sees the other's case.
    expect((await inbox(teams.north)).some((referral) => referral.item.id === inSouth.caseId)).toBe(false);
    expect((await inbox(teams.south)).some((referral) => referral.item.id === inNorth.caseId)).toBe(false);
  });

  it('when a team works a rent case to the end, then the landlord sees only the purpose-limited status', async () => {
    const signal = await postRentSignal(northPostcode);
    const referral = await waitFor('the case in Buurtteam Noord', referralIn(teams.north, signal.caseId));
    expect(await landlordView(signal.id)).toMatchObject({ status: 'in_progress' });

    // The holding team reads the household's details at signals; the other team cannot.
    expect(referral.links.subject).toBe(`/v1/cases/${signal.caseId}/subject`);
    const subject = await fetch(`${system.signalsUrl}${referral.links.subject}`, {
      headers: { authorization: `Bearer ${await teamToken(teams.north)}` },
    });
    expect(subject.status).toBe(200);
    const elsewhere = await fetch(`${system.signalsUrl}${referral.links.subject}`, {
      headers: { authorization: `Bearer ${await teamToken(teams.south)}` },
    });
    expect(elsewhere.status).toBe(404);
    // Nor does the other team reach the referral itself, under its own inbox or the holder's.
    const southToken = await teamToken(teams.south);
    for (const url of [
      `/v1/teams/${teams.south}/referrals/${referral.id}`,
      `/v1/teams/${teams.north}/referrals/${referral.id}`,
    ]) {
      const response = await fetch(`${system.referralsUrl}${url}`, {
        headers: { authorization: `Bearer ${southToken}` },
      });
      expect(response.status, url).toBeGreaterThanOrEqual(403);
      expect(response.status, url).toBeLessThanOrEqual(404);
    }

    await json(act(teams.north, referral.id, 'accept'), 200);
    await json(
      act(teams.north, referral.id, 'contact-attempts', {
        channel: 'home_visit',
        date: new Date().toISOString().slice(0, 10),
        partOfDay: 'afternoon',
        reached: true,
      }),
      201,
    );
    await json(act(teams.north, referral.id, 'close', { result: 'deceased' }), 200);

    // `deceased` is one of the four results a creditor may learn as such.
    const seen = await waitFor('the landlord to see the closing', async () => {
      const view = await landlordView(signal.id);
      return view.status === 'in_progress' ? undefined : view;
    });
    expect(seen.status).toBe('deceased');
    expect(JSON.stringify(seen)).not.toMatch(/teamId|Buurtteam|home_visit/);
  });

  it('when a case closes with the household already in debt help, then the landlord sees only "picked up", never why', async () => {
    const signal = await postRentSignal(southPostcode);
    const referral = await waitFor('the case in Buurtteam Zuid', referralIn(teams.south, signal.caseId));
    await json(act(teams.south, referral.id, 'accept'), 200);
    await json(
      act(teams.south, referral.id, 'close', { result: 'known_to_debt_help', notes: 'Al bij schuldhulp.' }),
      200,
    );
    const seen = await waitFor('the landlord to see the closing', async () => {
      const view = await landlordView(signal.id);
      return view.status === 'in_progress' ? undefined : view;
    });
    // Helped or in a trajectory: the landlord may pause collection, but learns nothing of the help.
    expect(seen.status).toBe('picked_up');
    expect(JSON.stringify(seen)).not.toContain('known_to_debt_help');
  });

  it('when a GP refers a patient and the first team declines, then the next team gets it, works it, and the GP sees the outcome', async () => {
    const practice = `huisartsenpraktijk-${randomUUID().slice(0, 8)}`;
    const request = await postGpReferral(practice, southPostcode);
    expect(request.status).toBe('received');

    const first = await waitFor('the GP request in Buurtteam Zuid', referralIn(teams.south, request.id));
    expect(first.item).toEqual({ kind: 'referral_request', id: request.id });
    await json(act(teams.south, first.id, 'decline', { reason: 'not_our_specialism' }), 200);

    // Re-routed past the declining team, to the GP fallback rule's team.
    const second = await waitFor('the GP request re-routed to Buurtteam Noord', referralIn(teams.north, request.id));
    const patient = await fetch(`${system.referralsUrl}${second.links.subject}`, {
      headers: { authorization: `Bearer ${await teamToken(teams.north)}` },
    });
    expect(patient.status).toBe(200);
    expect(await patient.json()).toMatchObject({ patient: { familyName: 'Jansen' } });
    // The team that declined no longer reaches the patient's details.
    const declined = await fetch(`${system.referralsUrl}/v1/teams/${teams.south}/referrals/${first.id}/subject`, {
      headers: { authorization: `Bearer ${await teamToken(teams.south)}` },
    });
    expect(declined.status).toBe(404);

    await json(act(teams.north, second.id, 'accept'), 200);
    expect(await json(gpView(practice, request.id), 200)).toMatchObject({ status: 'accepted' });
    await json(
      act(teams.north, second.id, 'contact-attempts', {
        channel: 'phone',
        date: new Date().toISOString().slice(0, 10),
        partOfDay: 'morning',
        reached: true,
      }),
      201,
    );
    expect(await json(gpView(practice, request.id), 200)).toMatchObject({ status: 'first_contact_made' });
    await json(act(teams.north, second.id, 'close', { result: 'follow_up_non_financial' }), 200);

    const view = await json<Record<string, unknown>>(gpView(practice, request.id), 200);
    expect(view).toMatchObject({ status: 'closed', outcome: 'follow_up_non_financial' });
    expect(JSON.stringify(view)).not.toMatch(/Jansen|Buurtteam|\+316/);
    // Another practice does not learn the referral exists.
    expect((await gpView('andere-praktijk', request.id)).status).toBe(404);
    // The full team and the south team, which declined, hold nothing active of it.
    expect((await inbox(teams.full)).some((referral) => referral.item.id === request.id)).toBe(false);
    const southNow = (await inbox(teams.south)).find((referral) => referral.id === first.id);
    expect(southNow?.status).toBe('declined');
  });
});

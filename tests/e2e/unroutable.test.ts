import { randomUUID } from 'node:crypto';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from './fixtures/system.ts';

/**
 * An address the postcode map does not know (9999ZZ is on no map here)
 * must still reach a person, and its sender must be told so, through the
 * real broker and the three services' databases.
 */

let system: System;

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
});

afterAll(async () => {
  await system?.close();
});

const UNMAPPED = '9999ZZ';

const networksCall = async (method: 'GET' | 'PUT' | 'POST', url: string, token: string, payload?: object) =>
  system.networks.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });

const admin = () => system.issuer.sign({ organisationId: 'admin-e2e', kind: 'admin', scopes: ['networks:admin'] });
const coordinator = (municipalityCode: string) =>
  system.issuer.sign({
    organisationId: `coordinator-${municipalityCode}`,
    kind: 'coordinator',
    municipalityCode,
    scopes: ['networks:admin'],
  });

async function registerLandlord(partnerId: string, municipalityCodes: string[]) {
  const response = await networksCall('PUT', `/v1/partners/${partnerId}`, await admin(), {
    kind: 'landlord',
    kvk: '12345678',
    municipalityCodes,
    signalKinds: ['rent'],
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
}

/** The landlord's view of its own signal, as `GET /v1/signals/{id}` answers it. */
async function statusSeenBy(partnerId: string, signalId: string) {
  const token = await system.issuer.sign({ organisationId: partnerId, kind: 'landlord', scopes: ['signals:read'] });
  const response = await fetch(`${system.signalsUrl}/v1/signals/${signalId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { status: string }).status;
}

type QueuePage = { items: { id: string; municipalityCode: string | null; item: { id: string }; reason: string }[] };

const queueEntryFor = (token: () => Promise<string>, municipality: string, caseId: string) => async () => {
  const response = await networksCall('GET', `/v1/coordinator-queue?municipality=${municipality}`, await token());
  return (response.json() as QueuePage).items.find((entry) => entry.item.id === caseId);
};

describe('an address that is on no postcode map', () => {
  it("when the landlord is registered for one municipality, then its coordinator lists the case, the landlord sees with_coordinator, and the coordinator's choice of team brings it back to in_progress", async () => {
    const team = await system.createTeam();
    const partnerId = `woonstichting-${randomUUID().slice(0, 8)}`;
    await registerLandlord(partnerId, ['GM9901']);

    const signal = await system.postSignal(UNMAPPED, {}, partnerId);

    const entry = await waitFor(
      'the case in the coordinator queue of the landlord municipality',
      queueEntryFor(() => coordinator('GM9901'), 'GM9901', signal.caseId),
    );
    expect(entry).toMatchObject({ municipalityCode: 'GM9901', reason: 'no_neighbourhood_for_address' });
    await waitFor('the landlord sees with_coordinator', async () =>
      (await statusSeenBy(partnerId, signal.id)) === 'with_coordinator' ? true : undefined,
    );

    const assigned = await networksCall(
      'POST',
      `/v1/coordinator-queue/${entry.id}/assign`,
      await coordinator('GM9901'),
      { teamId: team.id },
    );
    expect(assigned.statusCode, assigned.body).toBe(200);
    await waitFor('the referral in the chosen team', system.referralFor(team.id, signal.caseId));
    await waitFor('the landlord sees in_progress again', async () =>
      (await statusSeenBy(partnerId, signal.id)) === 'in_progress' ? true : undefined,
    );
  });

  it('when the sender is registered nowhere, then the case waits in the unassigned queue, which only an admin lists', async () => {
    const partnerId = `unregistered-${randomUUID().slice(0, 8)}`;
    const signal = await system.postSignal(UNMAPPED, {}, partnerId);

    const entry = await waitFor('the case in the unassigned queue', queueEntryFor(admin, 'unassigned', signal.caseId));
    expect(entry).toMatchObject({ municipalityCode: null, reason: 'no_neighbourhood_for_address' });
    await waitFor('the landlord sees with_coordinator', async () =>
      (await statusSeenBy(partnerId, signal.id)) === 'with_coordinator' ? true : undefined,
    );

    const refused = await networksCall(
      'GET',
      '/v1/coordinator-queue?municipality=unassigned',
      await coordinator('GM9901'),
    );
    expect(refused.statusCode).toBe(403);
  });

  it('when a GP practice registered for one municipality refers a patient there, then that coordinator lists the request and the practice sees with_coordinator', async () => {
    const practiceId = `huisarts-${randomUUID().slice(0, 8)}`;
    await system.createTeam();
    const registered = await networksCall('PUT', `/v1/partners/${practiceId}`, await admin(), {
      kind: 'gp',
      kvk: '87654321',
      municipalityCodes: ['GM9901'],
    });
    expect(registered.statusCode, registered.body).toBeLessThan(300);
    const gp = await system.issuer.sign({
      organisationId: practiceId,
      kind: 'gp',
      scopes: ['referrals:read', 'referrals:write'],
    });
    const sent = await fetch(`${system.referralsUrl}/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gp}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        reference: `WOR-${randomUUID()}`,
        patient: {
          givenName: 'Jan',
          familyName: 'Jansen',
          dateOfBirth: '1950-03-14',
          phone: '+31612345678',
          address: { postcode: UNMAPPED, houseNumber: 3 },
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
    expect(sent.status).toBe(201);
    const request = (await sent.json()) as { id: string };

    const entry = await waitFor(
      'the request in the coordinator queue of the practice municipality',
      queueEntryFor(() => coordinator('GM9901'), 'GM9901', request.id),
    );
    expect(entry).toMatchObject({ municipalityCode: 'GM9901', reason: 'no_neighbourhood_for_address' });
    await waitFor('the practice sees with_coordinator', async () => {
      const response = await fetch(`${system.referralsUrl}/v1/referrals/${request.id}`, {
        headers: { authorization: `Bearer ${gp}` },
      });
      return ((await response.json()) as { status: string }).status === 'with_coordinator' ? true : undefined;
    });
  });
});

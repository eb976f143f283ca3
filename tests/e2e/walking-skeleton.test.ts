import { randomInt, randomUUID } from 'node:crypto';
import { migrationsDir } from '@vangnet/infra/local-stack';
import { buildApp as buildNetworks } from '@vangnet/networks/app';
import { loadConfig as networksConfig } from '@vangnet/networks/config';
import { upsertTeam } from '@vangnet/networks/teams';
import { buildApp as buildReferrals } from '@vangnet/referrals/app';
import { loadConfig as referralsConfig } from '@vangnet/referrals/config';
import { buildApp as buildSignals } from '@vangnet/signals/app';
import { loadConfig as signalsConfig } from '@vangnet/signals/config';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The walking skeleton through real Kafka and real PostgreSQL: a landlord's
 * rent-arrears signal becomes a referral in the right team's list.
 */

type App = { close(): Promise<void>; listen(options: { port: number; host: string }): Promise<string> };

const infrastructure = testInfrastructure();
const databases: Record<'signals' | 'networks' | 'referrals', TestDatabase> = {} as never;
const groupPrefix = `e2e-${randomUUID().slice(0, 8)}`;
let issuer: TestIssuer;
let signals: App & Awaited<ReturnType<typeof buildSignals>>;
let networks: Awaited<ReturnType<typeof buildNetworks>>;
let referrals: Awaited<ReturnType<typeof buildReferrals>>;
let signalsUrl: string;
let referralsUrl: string;

const letters = () => String.fromCharCode(65 + randomInt(26), 65 + randomInt(26));
/** A postcode area no other test uses, so the routing outcome is this test's alone. */
const uniquePostcode = () => `${randomInt(1000, 10000)}${letters()}`;

const env = (service: keyof typeof databases) =>
  serviceEnv({ infrastructure, databaseUrl: databases[service].url, issuer, groupPrefix });

async function startRouterAndInbox() {
  networks = await buildNetworks(networksConfig(env('networks')));
  referrals = await buildReferrals(referralsConfig(env('referrals')));
  referralsUrl = await referrals.listen({ port: 0, host: '127.0.0.1' });
  await networks.ready();
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  for (const service of ['signals', 'networks', 'referrals'] as const) {
    databases[service] = await createTestDatabase(infrastructure.postgresServerUrl, service, migrationsDir(service));
  }
  signals = await buildSignals(signalsConfig(env('signals')));
  signalsUrl = await signals.listen({ port: 0, host: '127.0.0.1' });
  await startRouterAndInbox();
});

afterAll(async () => {
  await Promise.all([signals?.close(), networks?.close(), referrals?.close()]);
  await Promise.all(Object.values(databases).map((database) => database.drop()));
});

async function createTeam() {
  const team = { id: randomUUID(), name: `Buurtteam ${randomUUID().slice(0, 6)}`, postcode: uniquePostcode() };
  await upsertTeam(networks.prisma, {
    id: team.id,
    name: team.name,
    municipalityCode: 'GM9901',
    postcodePrefixes: [team.postcode],
  });
  return team;
}

async function postSignal(postcode: string, reference = `HUUR-${randomUUID()}`) {
  const token = await issuer.sign({ organisationId: 'woonstichting-e2e', kind: 'landlord', scopes: ['signals:write'] });
  const response = await fetch(`${signalsUrl}/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'rent',
      reference,
      address: { postcode, houseNumber: 7 },
      arrears: { amount: 845.1, since: '2026-08-01' },
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

async function teamReferrals(teamId: string, asTeam = teamId) {
  const token = await issuer.sign({ organisationId: asTeam, kind: 'team', scopes: ['referrals:read'] });
  const response = await fetch(`${referralsUrl}/v1/teams/${teamId}/referrals`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as { items: { item: { id: string } }[] } };
}

const referralFor = (teamId: string, signalId: string) => async () => {
  const { body } = await teamReferrals(teamId);
  return body.items.find((referral) => referral.item.id === signalId);
};

describe('walking skeleton: rent signal to team referral', () => {
  it("when a landlord posts a rent-arrears signal, then it appears in the covering team's list within 10 seconds", async () => {
    const team = await createTeam();
    const signal = await postSignal(team.postcode);

    const referral = await waitFor(`a referral for signal ${signal.id}`, referralFor(team.id, signal.id), {
      timeoutMs: 10_000,
    });
    expect(referral).toMatchObject({ teamId: team.id, status: 'routed', item: { kind: 'signal', id: signal.id } });
  });

  it("when another team asks for that team's list, then it is refused", async () => {
    const team = await createTeam();
    const { status } = await teamReferrals(team.id, randomUUID());
    expect(status).toBe(403);
  });

  it('when no team covers the address, then routing fails for the coordinator and no referral is made', async () => {
    const signal = await postSignal(uniquePostcode());
    const decision = await waitFor(`a routing decision for ${signal.id}`, async () => {
      const { rows } = await networks.pool.query('SELECT outcome, reason FROM routing_decision WHERE item_id = $1', [
        signal.id,
      ]);
      return rows[0];
    });
    expect(decision).toEqual({ outcome: 'failed', reason: 'no_neighbourhood_for_address' });
    const { rows } = await referrals.pool.query('SELECT 1 FROM referral WHERE item_id = $1', [signal.id]);
    expect(rows).toHaveLength(0);
  });

  it('when the router and the inbox restart, then nothing is re-applied and what came in meanwhile is delivered', async () => {
    const team = await createTeam();
    const before = await postSignal(team.postcode);
    await waitFor('the first referral', referralFor(team.id, before.id));

    await Promise.all([networks.close(), referrals.close()]);
    const during = await postSignal(team.postcode);
    await startRouterAndInbox();

    await waitFor('the referral of the signal sent during the restart', referralFor(team.id, during.id));
    const { rows } = await referrals.pool.query(
      'SELECT item_id, count(*)::int AS n FROM referral WHERE team_id = $1 GROUP BY item_id ORDER BY item_id',
      [team.id],
    );
    expect(rows).toEqual(
      [
        { item_id: before.id, n: 1 },
        { item_id: during.id, n: 1 },
      ].sort((a, b) => a.item_id.localeCompare(b.item_id)),
    );
    const decisions = await networks.pool.query(
      'SELECT item_id, count(*)::int AS n FROM routing_decision WHERE item_id = ANY($1) GROUP BY item_id',
      [[before.id, during.id]],
    );
    expect(decisions.rows.every((row: { n: number }) => row.n === 1)).toBe(true);
  });
});

import { randomInt, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BuiltService, buildServices } from '@vangnet/infra/build';
import { demoRentSignal } from '@vangnet/infra/demo-data';
import { migrationsDir } from '@vangnet/infra/local-stack';
import { type ServiceProcess, spawnService } from '@vangnet/infra/service-process';
import { createPrismaClient } from '@vangnet/networks/db';
import { setUpNeighbourhoodTeam } from '@vangnet/networks/set-up-area';
import { type DevOidcProvider, startDevOidcProvider } from '@vangnet/platform/dev-oidc';
import { createPool } from '@vangnet/platform/postgres';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The services as they ship: `pnpm build`'s bundles (infra/src/build.ts),
 * each in a process of its own as the image runs it, against the real
 * broker and PostgreSQL. The other e2e files run the TypeScript sources in
 * this process; this one proves that the bundles boot, route a signal from
 * the POST to the team's list, and that the pg and HTTP instrumentations
 * still patch what the bundles import (their spans reach an OTLP receiver).
 */

type Domain = Exclude<BuiltService, 'workspace'>;
const domains: Domain[] = ['signals', 'networks', 'referrals'];

const running: ServiceProcess[] = [];
const databases = {} as Record<Domain, TestDatabase>;
/** What the services' OTLP exporters posted, as received. */
const exported: Buffer[] = [];
let receiver: Server;
let issuer: TestIssuer;
let oidc: DevOidcProvider;
const team = { id: randomUUID(), postcode: `${randomInt(1000, 10000)}BT` };

async function start(name: BuiltService, env: Record<string, string>): Promise<ServiceProcess> {
  const service = await spawnService(name, { env: { ...process.env, ...env, METRICS_PORT: '0' } });
  running.push(service);
  // A bundle that cannot start says why on stderr: ready() puts its last lines in the failure.
  await service.ready();
  return service;
}

const url = (name: BuiltService) => running.find((service) => service.name === name)?.url as string;

beforeAll(async () => {
  const infrastructure = testInfrastructure();
  await buildServices();
  issuer = await createTestIssuer();
  for (const service of domains) {
    databases[service] = await createTestDatabase(infrastructure.postgresServerUrl, service, migrationsDir(service));
  }
  // Set up before networks starts: its relay publishes the team to referrals, as after an operator's set-up.
  const pool = createPool(databases.networks.url, 1);
  const prisma = createPrismaClient(pool);
  try {
    await setUpNeighbourhoodTeam(
      prisma,
      { source: 'urn:nld:oin:00000000000000000000:systeem:e2e-built' },
      {
        municipalityCode: 'GM9901',
        postcode: team.postcode,
        team: { id: team.id, name: 'Buurtteam gebouwd', capacity: 10 },
      },
    );
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }

  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      exported.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const telemetry = {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`,
    // Export within a fraction of a second instead of the default five.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const groupPrefix = `e2e-built-${randomUUID().slice(0, 8)}`;
  for (const service of domains) {
    await start(service, {
      ...serviceEnv({ infrastructure, databaseUrl: databases[service].url, issuer, groupPrefix }),
      ...telemetry,
    });
  }
  oidc = await startDevOidcProvider({
    issuer,
    users: [],
    clients: [{ clientId: 'workspace', clientSecret: 'e2e-secret', redirectUris: ['http://127.0.0.1/auth/callback'] }],
  });
  await start('workspace', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    PUBLIC_URL: 'http://127.0.0.1',
    OIDC_ISSUER: oidc.url,
    OIDC_CLIENT_ID: 'workspace',
    OIDC_CLIENT_SECRET: 'e2e-secret',
    OIDC_ALLOW_HTTP: 'true',
    SIGNALS_URL: url('signals'),
    NETWORKS_URL: url('networks'),
    REFERRALS_URL: url('referrals'),
  });
});

afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
  await oidc?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  for (const database of Object.values(databases)) await database.drop();
});

describe('the built services', () => {
  it('route a signal from the POST to the team’s list, each in its own process', async () => {
    const landlord = await issuer.sign({
      organisationId: 'woonstichting-built',
      kind: 'landlord',
      scopes: ['signals:write'],
    });
    const response = await fetch(`${url('signals')}/v1/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${landlord}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...demoRentSignal(),
        reference: `BUILT-${randomUUID().slice(0, 8)}`,
        address: { postcode: team.postcode, houseNumber: 7 },
      }),
    });
    expect(response.status).toBe(201);
    const { caseId } = (await response.json()) as { caseId: string };

    const teamToken = await issuer.sign({ organisationId: team.id, kind: 'team', scopes: ['referrals:read'] });
    const listed = await waitFor(
      'the referral in the team’s list',
      async () => {
        const list = await fetch(`${url('referrals')}/v1/teams/${team.id}/referrals`, {
          headers: { authorization: `Bearer ${teamToken}` },
        });
        const body = (await list.json()) as { items?: { item: { id: string } }[] };
        return body.items?.find((referral) => referral.item.id === caseId);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(listed.item.id).toBe(caseId);
  });

  it('still instrument pg and HTTP: their spans reach the OTLP endpoint', async () => {
    // The exporter's encoding (JSON or protobuf) carries attribute values as plain text either way.
    const seen = (text: string) => exported.some((body) => body.includes(text));
    await waitFor('spans of the signal’s request and its queries', async () =>
      seen('postgresql') && seen('POST') ? true : undefined,
    );
    expect(seen('signals')).toBe(true);
  });

  it('serve the workspace with its stylesheets, read from the packages beside the bundle', async () => {
    const css = await fetch(`${url('workspace')}/assets/utrecht.css`);
    expect(css.status).toBe(200);
    expect((await css.text()).length).toBeGreaterThan(10_000);
  });
});

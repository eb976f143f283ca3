import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const migrations = path.join(import.meta.dirname, '..', 'prisma', 'migrations');

/** The signals app on a database of its own, with a token issuer; one per test file. */
export async function startSignals(env: Record<string, string> = {}) {
  const infrastructure = testInfrastructure();
  const database: TestDatabase = await createTestDatabase(infrastructure.postgresServerUrl, 'signals', migrations);
  const issuer: TestIssuer = await createTestIssuer();
  const app = await buildApp(
    loadConfig({ ...serviceEnv({ infrastructure, databaseUrl: database.url, issuer }), ...env }),
  );
  await app.ready();

  const token = (
    kind: 'landlord' | 'energy' | 'water' | 'health_insurer' | 'school',
    organisationId = `${kind}-${randomUUID()}`,
  ) => issuer.sign({ organisationId, kind, scopes: ['signals:write', 'signals:read'] });

  /** A team's token: its organisation id is the team id (a uuid). */
  const teamToken = (teamId: string = randomUUID()) =>
    issuer.sign({ organisationId: teamId, kind: 'team', scopes: ['referrals:read', 'referrals:write'] });

  const request = (
    method: 'GET' | 'POST',
    url: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body ? { payload: body as object } : {}),
    });

  return {
    app,
    issuer,
    token,
    teamToken,
    request,
    post: (body: unknown, token: string) => request('POST', '/v1/signals', token, body),
    postFile: (csv: string | Buffer, token: string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/v1/signal-files',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...headers },
        payload: csv,
      }),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** An address no other test uses, so cases never join across tests. */
export const uniqueAddress = () => ({
  postcode: `${randomInt(1000, 10000)}${String.fromCharCode(65 + randomInt(26), 65 + randomInt(26))}`,
  houseNumber: randomInt(1, 99999),
});

export const rentSignal = (address = uniqueAddress(), amount = 612.5) => ({
  type: 'rent',
  reference: `HUUR-${randomUUID()}`,
  subject: { givenName: 'Anna', familyName: 'de Vries', phone: '+31612345678' },
  address,
  arrears: { amount, since: daysAgo(60) },
  preconditions: {
    contactAttempted: true,
    pointedToDebtHelp: true,
    reminderSentOn: daysAgo(20),
    consentOfferMade: true,
    tenantObjected: false,
  },
});

export const energySignal = (address = uniqueAddress(), amount = 240) => ({
  type: 'energy',
  reference: `E-${randomUUID()}`,
  address,
  arrears: { amount, since: daysAgo(45) },
});

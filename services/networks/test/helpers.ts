import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const migrations = path.join(import.meta.dirname, '..', 'prisma', 'migrations');

/** The networks service on a database of this test file's own, spoken to in-process. */
export async function startNetworks() {
  const infrastructure = testInfrastructure();
  const database: TestDatabase = await createTestDatabase(infrastructure.postgresServerUrl, 'networks', migrations);
  const issuer: TestIssuer = await createTestIssuer();
  const app = await buildApp(loadConfig(serviceEnv({ infrastructure, databaseUrl: database.url, issuer })));
  await app.ready();
  let next = randomInt(1000, 8000);

  const token = (kind: 'admin' | 'coordinator' | 'team', municipalityCode?: string, scopes = ['networks:admin']) =>
    issuer.sign({
      organisationId: `${kind}-${randomUUID().slice(0, 8)}`,
      kind,
      scopes,
      ...(municipalityCode ? { municipalityCode } : {}),
    });

  const call = async (method: 'GET' | 'PUT' | 'POST', url: string, bearer: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${bearer}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  return {
    app,
    token,
    call,
    /** A municipality no other test of the file uses, with one district and two neighbourhoods. */
    async municipality() {
      next += 1;
      const digits = String(next);
      const code = `GM${digits}`;
      const admin = await token('admin');
      const coordinator = await token('coordinator', code);
      const district = `WK${digits}01`;
      const north = `BU${digits}0101`;
      const south = `BU${digits}0102`;
      await expectStatus(call('PUT', `/v1/municipalities/${code}`, admin, { name: `Gemeente ${digits}` }), 204);
      await expectStatus(
        call('PUT', `/v1/districts/${district}`, coordinator, { municipalityCode: code, name: 'Wijk' }),
        204,
      );
      for (const neighbourhood of [north, south]) {
        await expectStatus(
          call('PUT', `/v1/neighbourhoods/${neighbourhood}`, coordinator, {
            districtCode: district,
            name: neighbourhood,
          }),
          204,
        );
      }
      return { code, digits, district, north, south, coordinator, admin };
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export async function expectStatus<T extends { statusCode: number; body: string }>(
  response: Promise<T>,
  status: number,
): Promise<T> {
  const resolved = await response;
  if (resolved.statusCode !== status) {
    throw new Error(`expected ${status}, got ${resolved.statusCode}: ${resolved.body}`);
  }
  return resolved;
}

import path from 'node:path';
import { databaseUrl } from '@vangnet/db/admin';
import { prismaInbox } from '@vangnet/db/inbox';
import { transientFailure } from '@vangnet/messaging/transient';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../src/db.ts';

/**
 * What the consumer's inbox really throws through Prisma 7 and
 * @prisma/adapter-pg when the database goes away, and when a row is at
 * fault: the shapes transientFailure reads (P-codes, the driver adapter's
 * error under `meta`, node-postgres' codeless connection errors) change
 * with Prisma's versions, so they are taken from the real thing here.
 */

let database: TestDatabase;
let name: string;
let admin: pg.Client;
let pool: pg.Pool;
let prisma: PrismaClient;

const failureOf = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};
const terminateBackends = () =>
  admin.query('SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1', [name]);

beforeAll(async () => {
  const { postgresServerUrl } = testInfrastructure();
  database = await createTestDatabase(
    postgresServerUrl,
    'signals',
    path.join(import.meta.dirname, '../prisma/migrations'),
  );
  name = new URL(database.url).pathname.slice(1);
  admin = new pg.Client({ connectionString: databaseUrl(postgresServerUrl, 'postgres') });
  await admin.connect();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => undefined);
  prisma = createPrismaClient(pool);
  await prisma.$executeRawUnsafe('CREATE TABLE probe (reference text UNIQUE, amount int CHECK (amount > 0))');
  await prisma.$executeRawUnsafe(`INSERT INTO probe VALUES ('Jansen 1975-02-03', 1)`);
});

afterAll(async () => {
  await admin?.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
  await prisma?.$disconnect();
  await pool?.end();
  await admin?.end();
  await database?.drop();
});

describe('what the inbox throws through Prisma, and whether the consumer waits for it', () => {
  const inbox = () => prismaInbox(prisma);

  it('a unique or check violation in the handler is the row, not the database: not transient', async () => {
    const unique = await failureOf(() =>
      inbox().runOnce('g', 'unique', async (tx) => {
        await tx.$executeRaw`INSERT INTO probe VALUES ('Jansen 1975-02-03', 2)`;
      }),
    );
    const check = await failureOf(() =>
      inbox().runBatch('g', ['check'], async (tx) => {
        await tx.$executeRaw`INSERT INTO probe VALUES ('de Vries', -1)`;
      }),
    );
    expect(unique).toMatchObject({ code: 'P2010' });
    expect(check).toMatchObject({ code: 'P2010' });
    expect(transientFailure(unique)).toBe(false);
    expect(transientFailure(check)).toBe(false);
  });

  it('the backend terminated under a transaction is transient', async () => {
    const terminated = await failureOf(() =>
      inbox().runOnce('g', 'terminated', async (tx) => {
        await terminateBackends();
        await tx.$executeRaw`SELECT 1`;
      }),
    );
    expect(transientFailure(terminated)).toBe(true);
  });

  it('a database refusing connections is transient, in runOnce and runBatch alike', async () => {
    await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
    await terminateBackends();
    try {
      const once = await failureOf(() => inbox().runOnce('g', 'refused', async () => undefined));
      const batch = await failureOf(() => inbox().runBatch('g', ['refused'], async () => undefined));
      expect(transientFailure(once)).toBe(true);
      expect(transientFailure(batch)).toBe(true);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    }
  });

  it('a server that does not answer at all (connection refused) is transient', async () => {
    const nowhere = new pg.Pool({ connectionString: 'postgres://nobody:none@127.0.0.1:1/none' });
    const unreachable = createPrismaClient(nowhere);
    try {
      const refused = await failureOf(() => prismaInbox(unreachable).runOnce('g', 'nowhere', async () => undefined));
      expect(refused).toMatchObject({ code: 'P1001' });
      expect(transientFailure(refused)).toBe(true);
    } finally {
      await unreachable.$disconnect();
      await nowhere.end();
    }
  });
});

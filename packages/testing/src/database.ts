import { randomBytes } from 'node:crypto';
import { databaseUrl, ensureDatabase } from '@vangnet/db/admin';
import { migrate } from '@vangnet/db/migrate';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, named after the service, with the
 * service's migrations applied. Test files never share a database: two
 * copies of a service with their own consumer groups on one database would
 * apply every event twice, which is the very thing we test against.
 */
export async function createTestDatabase(
  postgresServerUrl: string,
  service: string,
  migrationsDir?: string,
): Promise<TestDatabase> {
  const url = databaseUrl(postgresServerUrl, `${service}_${randomBytes(5).toString('hex')}`);
  await ensureDatabase(url);
  if (migrationsDir) await migrate(url, migrationsDir);
  return {
    url,
    drop: async () => {
      const admin = new pg.Client({ connectionString: databaseUrl(postgresServerUrl, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { schemaDrift } from '@vangnet/db/drift';
import { migrate } from '@vangnet/db/migrate';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './database.ts';
import { testInfrastructure } from './inject.ts';

const schema = `
generator client {
  provider = "prisma-client"
  output   = "./generated"
}
datasource db {
  provider = "postgresql"
}
model Team {
  id        String   @id @db.Uuid
  name      String   @unique
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  @@map("team")
}
`;

const migration = `
CREATE TABLE "team" (
  "id" UUID NOT NULL PRIMARY KEY,
  "name" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "team_name_key" ON "team" ("name");
`;

async function fixture() {
  const dir = await mkdtemp(path.join(tmpdir(), 'vangnet-drift-'));
  await writeFile(path.join(dir, 'schema.prisma'), schema);
  const migrations = path.join(dir, 'migrations', '20260101000000_init');
  await mkdir(migrations, { recursive: true });
  await writeFile(path.join(migrations, 'migration.sql'), migration);
  const database = await createTestDatabase(testInfrastructure().postgresServerUrl, 'drift');
  await migrate(database.url, path.join(dir, 'migrations'));
  return { schemaPath: path.join(dir, 'schema.prisma'), database };
}

describe('schema drift against a real database', () => {
  it('finds nothing when the migrations match the schema, and names each change made behind its back', async () => {
    const { schemaPath, database } = await fixture();
    try {
      expect(await schemaDrift({ schemaPath, connectionString: database.url })).toEqual([]);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('ALTER TABLE team ALTER COLUMN name DROP NOT NULL');
      await client.query('DROP INDEX team_name_key');
      await client.query('ALTER TABLE team ADD COLUMN phone TEXT');
      await client.end();

      const drift = await schemaDrift({ schemaPath, connectionString: database.url });
      expect(drift).toHaveLength(3);
      expect(drift.join('\n')).toMatch(/name/);
      expect(drift.join('\n')).toMatch(/phone/);
      expect(drift.join('\n')).toMatch(/unique/i);
    } finally {
      await database.drop();
    }
  });
});

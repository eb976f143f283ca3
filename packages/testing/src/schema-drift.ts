import path from 'node:path';
import { schemaDrift } from '@vangnet/db/drift';
import { createTestDatabase } from './database.ts';
import type { TestInfrastructure } from './infrastructure.ts';

/**
 * Applies a service's migrations to an empty database and compares the
 * result with its schema.prisma; [] when they agree.
 */
export async function migrationDrift(infrastructure: TestInfrastructure, serviceDir: string): Promise<string[]> {
  const database = await createTestDatabase(
    infrastructure.postgresServerUrl,
    `drift_${path.basename(serviceDir)}`,
    path.join(serviceDir, 'prisma', 'migrations'),
  );
  try {
    return await schemaDrift({
      schemaPath: path.join(serviceDir, 'prisma', 'schema.prisma'),
      connectionString: database.url,
    });
  } finally {
    await database.drop();
  }
}

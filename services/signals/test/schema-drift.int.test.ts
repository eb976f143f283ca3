import path from 'node:path';
import { testInfrastructure } from '@vangnet/testing/inject';
import { migrationDrift } from '@vangnet/testing/schema-drift';
import { expect, it } from 'vitest';

it('the SQL migrations build exactly the database that schema.prisma describes', async () => {
  expect(await migrationDrift(testInfrastructure(), path.join(import.meta.dirname, '..'))).toEqual([]);
});

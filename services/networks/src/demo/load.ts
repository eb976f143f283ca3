#!/usr/bin/env node
/**
 * Loads the demo municipality's teams into the networks database named by
 * DATABASE_URL. Idempotent: `pnpm start` runs it on every start.
 */
import { createPool } from '@vangnet/platform/postgres';
import { createPrismaClient } from '../db.ts';
import { upsertTeam } from '../features/manage-teams/store.ts';
import { demoTeams } from './teams.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const pool = createPool(url, 2);
const prisma = createPrismaClient(pool);
try {
  for (const team of demoTeams) await upsertTeam(prisma, team);
} finally {
  await prisma.$disconnect();
  await pool.end();
}

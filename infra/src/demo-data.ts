import { createPrismaClient } from '@vangnet/networks/db';
import { demoTeams } from '@vangnet/networks/demo';
import { upsertTeam } from '@vangnet/networks/teams';
import pg from 'pg';

/**
 * Fictional partners of the demo municipality Zeedorp. No real persons or
 * organisations: names are invented, ids are local.
 */
export const demoPartners = {
  landlord: { id: 'woonstichting-de-haven', name: 'Woonstichting De Haven' },
  energy: { id: 'energie-noordkust', name: 'Energie Noordkust' },
} as const;

export { demoTeams };

/** Loads the demo teams and their areas into networks. Idempotent: a restart changes nothing. */
export async function loadDemoData(networksDatabaseUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: networksDatabaseUrl, max: 2 });
  const prisma = createPrismaClient(pool);
  try {
    for (const team of demoTeams) await upsertTeam(prisma, team);
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
}

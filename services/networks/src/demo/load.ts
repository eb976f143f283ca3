#!/usr/bin/env node
/**
 * Loads the demo municipality (areas, postcode map, teams, rules) into the
 * networks database named by DATABASE_URL. Idempotent: `pnpm start` runs it
 * on every start; each run republishes the teams and neighbourhoods.
 */
import { nlGovSource } from '@vangnet/contracts/envelope';
import { createPool } from '@vangnet/platform/postgres';
import { createPrismaClient } from '../db.ts';
import { putNeighbourhoodRanges } from '../features/import-postcodes/store.ts';
import { saveDistrict, saveMunicipality, saveNeighbourhood } from '../features/manage-areas/store.ts';
import { replaceRules } from '../features/manage-rules/store.ts';
import { saveTeam } from '../features/manage-teams/store.ts';
import { demoDistricts, demoMunicipality, demoNeighbourhoods, demoPostcodeMap, demoRules, demoTeams } from './teams.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const context = { source: nlGovSource(process.env.ORGANISATION_OIN ?? '00000000000000000000', 'vangnet-networks') };
const pool = createPool(url, 2);
const prisma = createPrismaClient(pool);
try {
  await prisma.$transaction(async (tx) => {
    await saveMunicipality(tx, demoMunicipality);
    for (const district of demoDistricts) await saveDistrict(tx, district);
    for (const neighbourhood of demoNeighbourhoods) await saveNeighbourhood(tx, neighbourhood, context);
    await putNeighbourhoodRanges(tx, demoPostcodeMap);
    for (const team of demoTeams) await saveTeam(tx, team, context);
    await replaceRules(tx, demoMunicipality.code, demoRules);
  });
} finally {
  await prisma.$disconnect();
  await pool.end();
}

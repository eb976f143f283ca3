import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './local-stack.ts';

/**
 * The demo municipality, Zeedorp (GM9901 is not a real CBS code), with its
 * fictional partners and teams. No real persons or organisations. The teams
 * are networks' data, so networks loads them (services/networks/src/demo);
 * the ids here only go into the example commands `pnpm start` prints.
 */
export const demoMunicipality = { code: 'GM9901', name: 'Zeedorp' } as const;

export const demoPartners = {
  landlord: { id: 'woonstichting-de-haven', name: 'Woonstichting De Haven' },
  energy: { id: 'energie-noordkust', name: 'Energie Noordkust' },
} as const;

export const demoTeam = {
  id: '0b6c1f52-3f0e-4a51-9a55-000000000001',
  name: 'Buurtteam Zeedorp-Noord',
  postcodeArea: '9901',
} as const;

/** Runs networks' own demo loader against its database; idempotent. */
export async function loadDemoData(networksDatabaseUrl: string): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(repoRoot, 'services', 'networks', 'src', 'demo', 'load.ts')], {
    env: { ...process.env, DATABASE_URL: networksDatabaseUrl },
  });
}

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

export const demoTeamZuid = {
  id: '0b6c1f52-3f0e-4a51-9a55-000000000002',
  name: 'Buurtteam Zeedorp-Zuid',
  postcodeArea: '9902',
} as const;

export const demoCoaches = { id: '0b6c1f52-3f0e-4a51-9a55-000000000003', name: 'Welzijnscoaches Zeedorp' } as const;

const daysBefore = (today: Date, days: number) =>
  new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);

/**
 * A rent-arrears signal that passes the intake rules on the day it is made:
 * arrears since 60 days, the landlord's preconditions met, the reminder sent
 * 20 days ago. Dates are relative because the convenant windows are; a fixed
 * date in an example goes stale and the example starts to fail with 400.
 * The tenant and the address are fictional.
 */
export function demoRentSignal(today = new Date()) {
  return {
    type: 'rent',
    reference: `HUUR-${Math.floor(today.getTime() / 1000)}`,
    subject: { givenName: 'Anna', familyName: 'de Vries' },
    address: { postcode: '9901AB', houseNumber: 12 },
    arrears: { amount: 612.5, since: daysBefore(today, 60) },
    preconditions: {
      contactAttempted: true,
      pointedToDebtHelp: true,
      reminderSentOn: daysBefore(today, 20),
      consentOfferMade: true,
      tenantObjected: false,
    },
  };
}

/** Runs networks' own demo loader against its database; idempotent. */
export async function loadDemoData(networksDatabaseUrl: string): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(repoRoot, 'services', 'networks', 'src', 'demo', 'load.ts')], {
    env: { ...process.env, DATABASE_URL: networksDatabaseUrl },
  });
}

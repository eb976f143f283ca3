import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jwksFile, loadOrCreateDevIssuer } from '@vangnet/platform/dev-issuer';
import type { DemoUser } from '@vangnet/platform/dev-oidc';
import { demoCoaches, demoMunicipality, demoTeam, demoTeamZuid } from './demo-data.ts';
import { devStackOptions } from './local-stack.ts';

/** The local token issuer's folder: its key pair survives restarts, so printed tokens stay valid. */
export const devIssuerDir = path.join(devStackOptions.dir, 'dev-issuer');

export async function devIssuer(dir = devIssuerDir) {
  const issuer = await loadOrCreateDevIssuer(dir);
  return { issuer, jwksUrl: pathToFileURL(jwksFile(dir)).toString() };
}

const teamScopes = ['referrals:read', 'referrals:write', 'networks:read'];

/**
 * The people on the development login page: a member of each demo team and
 * the municipality's coordinator. Fictional, like the rest of the demo.
 */
export const demoUsers: readonly DemoUser[] = [
  {
    id: 'fatima',
    name: 'Fatima Yilmaz',
    description: `Sociaal werker, ${demoTeam.name}`,
    organisationId: demoTeam.id,
    kind: 'team',
    scopes: teamScopes,
    municipalityCode: demoMunicipality.code,
  },
  {
    id: 'joris',
    name: 'Joris Bakker',
    description: `Sociaal werker, ${demoTeamZuid.name}`,
    organisationId: demoTeamZuid.id,
    kind: 'team',
    scopes: teamScopes,
    municipalityCode: demoMunicipality.code,
  },
  {
    id: 'noor',
    name: 'Noor de Boer',
    description: `Welzijnscoach, ${demoCoaches.name}`,
    organisationId: demoCoaches.id,
    kind: 'team',
    scopes: teamScopes,
    municipalityCode: demoMunicipality.code,
  },
  {
    id: 'sanne',
    name: 'Sanne Visser',
    description: `Coördinator sociale basis, gemeente ${demoMunicipality.name}`,
    organisationId: `gemeente-${demoMunicipality.code.toLowerCase()}`,
    kind: 'coordinator',
    scopes: ['networks:admin', 'networks:read', 'referrals:read', 'referrals:write', 'signals:read'],
    municipalityCode: demoMunicipality.code,
  },
];

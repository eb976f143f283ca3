import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDevIssuer, type DevIssuer } from '@vangnet/platform/dev-issuer';

export interface TestIssuer extends DevIssuer {
  /** file: URL of the issuer's public keys, for AUTH_JWKS_URL. */
  jwksUrl: string;
}

/** A throw-away token issuer whose public keys the services under test trust. */
export async function createTestIssuer(): Promise<TestIssuer> {
  const issuer = await createDevIssuer();
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'vangnet-issuer-')), 'jwks.json');
  await writeFile(file, JSON.stringify(issuer.jwks));
  return Object.assign(issuer, { jwksUrl: pathToFileURL(file).toString() });
}

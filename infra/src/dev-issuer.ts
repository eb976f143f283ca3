import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jwksFile, loadOrCreateDevIssuer } from '@vangnet/platform/dev-issuer';
import { devStackOptions } from './local-stack.ts';

/** The local token issuer's folder: its key pair survives restarts, so printed tokens stay valid. */
export const devIssuerDir = path.join(devStackOptions.dir, 'dev-issuer');

export async function devIssuer(dir = devIssuerDir) {
  const issuer = await loadOrCreateDevIssuer(dir);
  return { issuer, jwksUrl: pathToFileURL(jwksFile(dir)).toString() };
}

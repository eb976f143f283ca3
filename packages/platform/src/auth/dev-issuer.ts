import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';

/**
 * A local stand-in for the OAuth2 authorisation server: it signs
 * client-credentials style tokens for development and tests. Production
 * points AUTH_JWKS_URL at the real issuer and never loads this module.
 */
export interface DevIssuer {
  readonly issuer: string;
  readonly jwks: JSONWebKeySet;
  sign(claims: TokenRequest): Promise<string>;
}

export interface TokenRequest {
  organisationId: string;
  kind: OrganisationKind;
  scopes: readonly string[];
  municipalityCode?: string;
  /** Seconds; default one hour. */
  ttl?: number;
  audience?: string;
}

export const DEV_ISSUER = 'https://issuer.vangnet.local';
const KID = 'vangnet-dev-1';
const ALG = 'ES256';

async function issuerFromPrivateJwk(privateJwk: JWK, issuer: string): Promise<DevIssuer> {
  const key = await importJWK(privateJwk, ALG);
  const { d: _private, ...publicJwk } = privateJwk;
  return {
    issuer,
    jwks: { keys: [{ ...publicJwk, kid: KID, alg: ALG, use: 'sig' }] },
    sign: (request) =>
      new SignJWT({
        org: request.organisationId,
        org_kind: request.kind,
        scope: request.scopes.join(' '),
        ...(request.municipalityCode ? { municipality: request.municipalityCode } : {}),
      })
        .setProtectedHeader({ alg: ALG, kid: KID, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(`client-${request.organisationId}`)
        .setAudience(request.audience ?? 'vangnet')
        .setIssuedAt()
        .setExpirationTime(`${request.ttl ?? 3600}s`)
        .sign(key),
  };
}

/** A fresh key pair held in memory (tests). */
export async function createDevIssuer(issuer = DEV_ISSUER): Promise<DevIssuer> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  return issuerFromPrivateJwk(await exportJWK(privateKey), issuer);
}

/**
 * The key pair of a local installation, kept in `dir` so that tokens printed
 * by `pnpm token` stay valid across restarts. Writes `jwks.json` beside it
 * for the services (AUTH_JWKS_URL=file:…/jwks.json).
 */
export async function loadOrCreateDevIssuer(dir: string, issuer = DEV_ISSUER): Promise<DevIssuer> {
  const keyFile = path.join(dir, 'private-key.jwk.json');
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(keyFile, 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    privateJwk = await exportJWK(privateKey);
    await mkdir(dir, { recursive: true });
    await writeFile(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const devIssuer = await issuerFromPrivateJwk(privateJwk, issuer);
  await writeFile(path.join(dir, 'jwks.json'), JSON.stringify(devIssuer.jwks, null, 2));
  return devIssuer;
}

export const jwksFile = (dir: string) => path.join(dir, 'jwks.json');

import type { OrganisationKind } from '@vangnet/contracts/organisations';
import { OrganisationKind as OrganisationKindSchema } from '@vangnet/contracts/organisations';
import * as client from 'openid-client';
import type { WorkspaceConfig } from './config.ts';
import type { SessionUser } from './session.ts';

/**
 * The relying party: authorisation code flow with PKCE (S256), state and
 * nonce, through openid-client against any standard provider. Discovery runs
 * at the first login, so the workspace may start before its provider.
 */
export class OidcClient {
  readonly #config: WorkspaceConfig;
  #discovered: Promise<client.Configuration> | undefined;

  constructor(config: WorkspaceConfig) {
    this.#config = config;
  }

  get redirectUri() {
    return new URL('/auth/callback', this.#config.PUBLIC_URL).toString();
  }

  #configuration() {
    this.#discovered ??= client
      .discovery(
        new URL(this.#config.OIDC_ISSUER),
        this.#config.OIDC_CLIENT_ID,
        this.#config.OIDC_CLIENT_SECRET,
        undefined,
        this.#config.OIDC_ALLOW_HTTP ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.#discovered = undefined;
        throw error;
      });
    return this.#discovered;
  }

  async authorizationUrl() {
    const configuration = await this.#configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.#config.OIDC_SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, codeVerifier, state, nonce };
  }

  async complete(callbackUrl: URL, checks: { codeVerifier: string; state: string; nonce: string }) {
    const configuration = await this.#configuration();
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider sent no ID token');
    return {
      user: userFrom(claims, tokens.access_token),
      accessToken: tokens.access_token,
      expiresIn: tokens.expiresIn() ?? 3600,
    };
  }
}

/**
 * Who logged in, for the workspace's navigation only: the services check the
 * access token themselves. Organisation claims come from the ID token, else
 * from the access token's payload (read, not verified: the services verify it).
 */
function userFrom(idClaims: Record<string, unknown>, accessToken: string): SessionUser {
  let accessClaims: Record<string, unknown> = {};
  const payload = accessToken.split('.')[1];
  if (payload) {
    try {
      accessClaims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      accessClaims = {};
    }
  }
  const claim = (name: string) => {
    const value = idClaims[name] ?? accessClaims[name];
    return typeof value === 'string' ? value : undefined;
  };
  const kind = OrganisationKindSchema.safeParse(claim('org_kind'));
  const organisationId = claim('org');
  if (!kind.success || !organisationId) throw new Error('the tokens name no organisation (org, org_kind)');
  const municipalityCode = claim('municipality');
  return {
    subject: String(idClaims.sub),
    name: claim('name') ?? String(idClaims.sub),
    organisationId,
    kind: kind.data as OrganisationKind,
    ...(municipalityCode ? { municipalityCode } : {}),
  };
}

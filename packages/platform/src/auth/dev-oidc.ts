import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { DevIssuer } from './dev-issuer.ts';

/**
 * A local OpenID Connect provider for the workspace: authorisation code
 * flow with PKCE (S256 only), a login page that lists the demo users instead
 * of asking for a password, a discovery document and a JWKS. The access
 * token it hands out is the same Vangnet API token the dev issuer signs for
 * machines (org, org_kind, scope, municipality), so the services verify a
 * person's token exactly as any other. Development and tests only: a
 * deployment points the workspace at a real IdP.
 */
export interface DemoUser {
  /** The person's stable subject (`sub` of the ID token). */
  id: string;
  name: string;
  /** What the login page shows under the name: the team or role. */
  description: string;
  organisationId: string;
  kind: OrganisationKind;
  scopes: readonly string[];
  municipalityCode?: string;
}

export interface DevOidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
}

export interface DevOidcOptions {
  /** Signs the access tokens the services accept. */
  issuer: DevIssuer;
  users: readonly DemoUser[];
  clients: readonly DevOidcClient[];
  /** Seconds; default one hour. */
  accessTokenTtl?: number;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  user: DemoUser;
  expiresAt: number;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const base64url = (buffer: Buffer) => buffer.toString('base64url');

function sameSecret(given: string, expected: string) {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface DevOidcProvider {
  /** The issuer identifier: the provider's own base URL, known once it listens. */
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Starts the provider on host:port (0 = a free port). */
export async function startDevOidcProvider(
  options: DevOidcOptions,
  listen: { host?: string; port?: number } = {},
): Promise<DevOidcProvider> {
  const app = Fastify({ logger: false });
  // ID tokens get their own key: the API key signs only access tokens.
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'vangnet-dev-oidc-1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  let url = '';

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-frame-options', 'DENY');
  });

  app.get('/.well-known/openid-configuration', async () => ({
    issuer: url,
    authorization_endpoint: `${url}/authorize`,
    token_endpoint: `${url}/token`,
    jwks_uri: `${url}/jwks`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['openid', 'profile'],
    claims_supported: ['sub', 'name', 'org', 'org_kind', 'municipality'],
  }));
  app.get('/jwks', async () => ({ keys: [publicJwk] }));

  type AuthorizeQuery = Record<string, string | undefined>;
  const authorizeError = (query: AuthorizeQuery) => {
    const client = options.clients.find((candidate) => candidate.clientId === query.client_id);
    if (!client) return 'unknown client_id';
    if (!query.redirect_uri || !client.redirectUris.includes(query.redirect_uri)) return 'redirect_uri not registered';
    if (query.response_type !== 'code') return 'response_type must be code';
    if (!query.code_challenge || query.code_challenge_method !== 'S256') return 'PKCE with S256 is required';
    if (!query.scope?.split(' ').includes('openid')) return 'scope must include openid';
    return undefined;
  };

  app.get<{ Querystring: AuthorizeQuery }>('/authorize', async (request, reply) => {
    const error = authorizeError(request.query);
    if (error) return reply.code(400).type('text/plain; charset=utf-8').send(error);
    const hidden = [
      'client_id',
      'redirect_uri',
      'response_type',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
      'scope',
    ]
      .map((name) => {
        const value = request.query[name];
        return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
      })
      .join('');
    const users = options.users
      .map(
        (user) =>
          `<li><button type="submit" name="user" value="${escapeHtml(user.id)}">${escapeHtml(user.name)}</button>` +
          ` <span>${escapeHtml(user.description)}</span></li>`,
      )
      .join('');
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen – Vangnet ontwikkel-inlog</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;border:2px solid #0b4c8c;background:#fff;color:#0b4c8c;cursor:pointer}
button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}ul{list-style:none;padding:0}li{margin:.5rem 0}</style></head>
<body><main><h1>Inloggen bij Vangnet</h1>
<p>Dit is de lokale ontwikkel-inlog. Kies een demogebruiker; er is geen wachtwoord.</p>
<form method="post" action="/authorize">${hidden}<ul>${users}</ul></form></main></body></html>`);
  });

  app.post<{ Body: Record<string, string | undefined> }>('/authorize', async (request, reply) => {
    const body = request.body ?? {};
    const error = authorizeError(body);
    if (error) return reply.code(400).type('text/plain; charset=utf-8').send(error);
    const user = options.users.find((candidate) => candidate.id === body.user);
    if (!user) return reply.code(400).type('text/plain; charset=utf-8').send('unknown user');
    const code = base64url(randomBytes(32));
    codes.set(code, {
      clientId: body.client_id as string,
      redirectUri: body.redirect_uri as string,
      codeChallenge: body.code_challenge as string,
      ...(body.nonce ? { nonce: body.nonce } : {}),
      user,
      expiresAt: Date.now() + 60_000,
    });
    const target = new URL(body.redirect_uri as string);
    target.searchParams.set('code', code);
    if (body.state) target.searchParams.set('state', body.state);
    target.searchParams.set('iss', url);
    return reply.redirect(target.toString(), 303);
  });

  app.post<{ Body: Record<string, string | undefined> }>('/token', async (request, reply) => {
    const body = request.body ?? {};
    const fail = (error: string, status = 400) => reply.code(status).send({ error });
    let clientId = body.client_id;
    let clientSecret = body.client_secret;
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (basic?.[1]) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    const client = options.clients.find((candidate) => candidate.clientId === clientId);
    if (!client || !clientSecret || !sameSecret(clientSecret, client.clientSecret)) return fail('invalid_client', 401);
    if (body.grant_type !== 'authorization_code') return fail('unsupported_grant_type');
    const pending = body.code ? codes.get(body.code) : undefined;
    // A code is good for one exchange only, successful or not.
    if (body.code) codes.delete(body.code);
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== client.clientId)
      return fail('invalid_grant');
    if (body.redirect_uri !== pending.redirectUri) return fail('invalid_grant');
    const challenge = base64url(
      createHash('sha256')
        .update(body.code_verifier ?? '')
        .digest(),
    );
    if (!body.code_verifier || challenge !== pending.codeChallenge) return fail('invalid_grant');

    const ttl = options.accessTokenTtl ?? 3600;
    const { user } = pending;
    const accessToken = await options.issuer.sign({
      organisationId: user.organisationId,
      kind: user.kind,
      scopes: user.scopes,
      ttl,
      ...(user.municipalityCode ? { municipalityCode: user.municipalityCode } : {}),
    });
    const idToken = await new SignJWT({
      name: user.name,
      org: user.organisationId,
      org_kind: user.kind,
      ...(user.municipalityCode ? { municipality: user.municipalityCode } : {}),
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid as string, typ: 'JWT' })
      .setIssuer(url)
      .setSubject(user.id)
      .setAudience(client.clientId)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(privateKey);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, id_token: idToken, scope: 'openid' };
  });

  const address = await app.listen({ host: listen.host ?? '127.0.0.1', port: listen.port ?? 0 });
  url = address.replace('127.0.0.1', 'localhost');
  return { url, app, close: () => app.close() };
}

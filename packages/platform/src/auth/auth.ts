import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { OrganisationKind } from '@vangnet/contracts/organisations';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { ProblemError } from '../http/problem.ts';
import { VerifiedTokens } from './verified-tokens.ts';

/** Who is calling: the organisation a client-credentials token speaks for. */
export interface Principal {
  /** OAuth2 client id (`sub`). */
  clientId: string;
  /** The organisation's id in Vangnet: a partner id, or a team id for team tokens. */
  organisationId: string;
  kind: OrganisationKind;
  scopes: ReadonlySet<string>;
  /** CBS code of the municipality a coordinator or team works for, when the token says. */
  municipalityCode?: string;
}

/** Claims Vangnet reads besides the registered ones. */
const VangnetClaims = z.object({
  sub: z.string().min(1),
  org: z.string().min(1),
  org_kind: OrganisationKind,
  scope: z.string().default(''),
  municipality: z
    .string()
    .regex(/^GM\d{4}$/)
    .optional(),
});

export interface AuthOptions {
  issuer: string;
  audience: string;
  /** JWKS location (https: or file:), or the key set itself (tests). */
  jwks: URL | JSONWebKeySet;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    verifyToken(token: string): Promise<Principal>;
  }
}

async function keyResolver(jwks: URL | JSONWebKeySet): Promise<JWTVerifyGetKey> {
  if (!(jwks instanceof URL)) return createLocalJWKSet(jwks);
  if (jwks.protocol === 'file:') {
    return createLocalJWKSet(JSON.parse(await readFile(fileURLToPath(jwks), 'utf8')) as JSONWebKeySet);
  }
  // Remote sets are cached and refreshed on an unknown `kid`, so key rotation needs no restart.
  return createRemoteJWKSet(jwks);
}

const unauthorized = (detail: string) =>
  new ProblemError({ status: 401, code: 'UNAUTHENTICATED', title: 'A valid bearer token is required', detail });

export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, options) => {
    const getKey = await keyResolver(options.jwks);
    const verified = new VerifiedTokens<Principal>();
    app.decorate('verifyToken', async (token: string): Promise<Principal> => {
      const known = verified.get(token);
      if (known) return known;
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['ES256', 'RS256', 'EdDSA'],
          requiredClaims: ['exp', 'sub'],
        }));
      } catch {
        // jose's message says which check failed; the caller learns only that it did.
        throw unauthorized('the token is invalid, expired or not issued for this API');
      }
      const claims = VangnetClaims.safeParse(payload);
      if (!claims.success) throw unauthorized('the token lacks the org, org_kind or scope claims');
      const principal: Principal = {
        clientId: claims.data.sub,
        organisationId: claims.data.org,
        kind: claims.data.org_kind,
        scopes: new Set(claims.data.scope.split(' ').filter(Boolean)),
        ...(claims.data.municipality ? { municipalityCode: claims.data.municipality } : {}),
      };
      // jwtVerify required `exp`.
      verified.set(token, principal, payload.exp as number);
      return principal;
    });
    app.decorateRequest('principal', null);
  },
  { name: 'vangnet-auth' },
);

/**
 * A preHandler that admits only callers of the given kinds holding the scope.
 * Per-object checks (this signal is yours, this team is yours) stay in the
 * handler, where the object is known.
 */
export function authenticate(rule: {
  kinds: readonly OrganisationKind[];
  scope: string;
  /** The route names an object whose existence is not every caller's to know: refuse with 404, not 403. */
  objectInPath?: boolean;
}): preHandlerAsyncHookHandler {
  return async function requirePrincipal(this: FastifyInstance, request: FastifyRequest) {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw unauthorized('send an OAuth2 bearer token in the Authorization header');
    const principal = await this.verifyToken(match[1]);
    const allowed = rule.kinds.includes(principal.kind) && principal.scopes.has(rule.scope);
    if (!allowed && rule.objectInPath) {
      // A caller who may never see such objects is answered as for a missing
      // one, as every per-object check answers: a 403 here and a 404 there
      // would tell which ids exist (OWASP API1).
      throw new ProblemError({
        status: 404,
        code: 'NOT_FOUND',
        title: 'No such resource',
        detail: `${request.method} ${request.url.split('?')[0]} does not exist for this caller`,
      });
    }
    if (!rule.kinds.includes(principal.kind)) {
      throw new ProblemError({
        status: 403,
        code: 'FORBIDDEN_ORGANISATION_KIND',
        title: 'This organisation kind may not use this endpoint',
        detail: `allowed kinds: ${rule.kinds.join(', ')}`,
      });
    }
    if (!principal.scopes.has(rule.scope)) {
      throw new ProblemError({
        status: 403,
        code: 'MISSING_SCOPE',
        title: 'The token lacks the scope this endpoint needs',
        detail: `required scope: ${rule.scope}`,
      });
    }
    request.principal = principal;
  };
}

/** The principal of an authenticated route; a programming error if absent. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing the authenticate() preHandler');
  return request.principal;
}

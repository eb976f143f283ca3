import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { authenticate } from '../auth/auth.ts';
import { createDevIssuer, type DevIssuer } from '../auth/dev-issuer.ts';
import { createServiceApp, type ServiceApp } from './app.ts';

/** The HTTP behaviour every service gets from the platform, on a bare app in process. */

let issuer: DevIssuer;
let app: ServiceApp;

beforeAll(async () => {
  issuer = await createDevIssuer();
  app = await createServiceApp({
    service: 'example',
    title: 'Example API',
    description: 'A route or two to try the platform on',
    logger: pino({ level: 'silent' }),
    auth: { issuer: issuer.issuer, audience: 'vangnet', jwks: issuer.jwks },
    http: {
      CORS_ALLOWED_ORIGINS: ['https://portaal.gemeente.example'],
      RATE_LIMIT_MAX: 3,
      RATE_LIMIT_WINDOW_SECONDS: 60,
    },
    metrics: { port: 0, host: '127.0.0.1' },
  });
  app.get(
    '/v1/things/:thingId',
    {
      onRequest: authenticate({ kinds: ['team'], scope: 'things:read', objectInPath: true }),
      schema: { tags: ['things'], security: [{ bearer: [] }], params: z.strictObject({ thingId: z.uuid() }) },
    },
    async (request) => ({ id: request.params.thingId }),
  );
  app.post(
    '/v1/things',
    { schema: { tags: ['things'], body: z.strictObject({ name: z.string(), tags: z.array(z.string()).optional() }) } },
    async (request) => request.body,
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

const token = (organisationId: string, kind: 'team' | 'landlord' = 'team') =>
  issuer.sign({ organisationId, kind, scopes: ['things:read'] });

describe('the platform HTTP layer', () => {
  it('when a known path is asked with another method, then 405 lists the methods in Allow', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/v1/things' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405 });
  });

  it('when an id is left empty (a trailing slash), then 404, not a validation error', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/things/' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });

  it('when a caller of another kind asks for an object, then 404 as for a missing one', async () => {
    const url = '/v1/things/6f1c1a52-3b7e-4c38-9d1a-0a8f0c6d2b11';
    const stranger = await app.inject({ url, headers: { authorization: `Bearer ${await token('l-1', 'landlord')}` } });
    expect(stranger.statusCode).toBe(404);
    const allowed = await app.inject({ url, headers: { authorization: `Bearer ${await token('team-1')}` } });
    expect(allowed.statusCode).toBe(200);
  });

  it('answers every response with API-Version and Cache-Control no-store', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/things', payload: { name: 'a' } });
    expect(response.headers['api-version']).toBe('1.0.0');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('when a body holds control characters anywhere, then 400 names every such field with the schema issues', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/things',
      payload: { name: 'Buurt\u0000team', tags: ['ok', 'es\u001bc', 42], extra: 'x' },
    });
    expect(response.statusCode).toBe(400);
    const errors = response
      .json()
      .errors.map((error: { pointer: string; code: string }) => [error.pointer, error.code]);
    expect(errors.sort()).toEqual([
      ['/extra', 'unknown_field'],
      ['/name', 'invalid_format'],
      ['/tags/1', 'invalid_format'],
      ['/tags/2', 'invalid_type'],
    ]);
  });

  it('allows tab and line breaks, which multi-line text needs', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/things', payload: { name: 'regel 1\r\n\tregel 2' } });
    expect(response.statusCode).toBe(200);
  });

  it('answers CORS preflights for the configured origins only', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/things',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    expect((await preflight('https://portaal.gemeente.example')).headers['access-control-allow-origin']).toBe(
      'https://portaal.gemeente.example',
    );
    expect((await preflight('https://elders.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the API reference at /v1/docs from the package itself, no CDN', async () => {
    const page = await app.inject({ url: '/v1/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const external = [...page.body.matchAll(/(?:src|href)="(https?:)?\/\/[^"]*"/g)].map((match) => match[0]);
    expect(external).toEqual([]);
    const document = await app.inject({ url: '/v1/openapi.json' });
    expect(document.headers['access-control-allow-origin']).toBe('*');
    expect(document.json().paths['/things/{thingId}'].get).toMatchObject({
      operationId: 'getThingsByThingId',
      responses: { 404: { $ref: '#/components/responses/Problem404' } },
    });
  });

  it('when one organisation exceeds its rate, then 429 problem+json with Retry-After, and another is still served', async () => {
    const url = '/v1/things/6f1c1a52-3b7e-4c38-9d1a-0a8f0c6d2b11';
    const busy = { authorization: `Bearer ${await token('team-busy')}` };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await app.inject({ url, headers: busy })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({ url, headers: busy });
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const other = await app.inject({ url, headers: { authorization: `Bearer ${await token('team-calm')}` } });
    expect(other.statusCode).toBe(200);
  });
});

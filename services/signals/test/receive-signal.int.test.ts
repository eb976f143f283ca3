import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const migrations = path.join(import.meta.dirname, '..', 'prisma', 'migrations');

let app: Awaited<ReturnType<typeof buildApp>>;
let database: TestDatabase;
let issuer: TestIssuer;

beforeAll(async () => {
  const infrastructure = testInfrastructure();
  database = await createTestDatabase(infrastructure.postgresServerUrl, 'signals', migrations);
  issuer = await createTestIssuer();
  app = await buildApp(loadConfig(serviceEnv({ infrastructure, databaseUrl: database.url, issuer })));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const landlordToken = (organisationId = `landlord-${randomUUID()}`) =>
  issuer.sign({ organisationId, kind: 'landlord', scopes: ['signals:write', 'signals:read'] });

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
let nextHouseNumber = 1;
/** A household no other test uses: tests share one database and must not join each other's cases. */
const uniqueAddress = () => ({
  postcode: `${1000 + Math.floor(Math.random() * 9000)} ab`,
  houseNumber: nextHouseNumber++,
  houseNumberAddition: 'B',
});

const validSignal = (address = uniqueAddress()) => ({
  type: 'rent',
  reference: `HUUR-${randomUUID()}`,
  subject: { givenName: 'Anna', familyName: 'de Vries', dateOfBirth: '1980-04-02', email: 'anna@example.org' },
  address,
  arrears: { amount: 612.5, since: daysAgo(60) },
  preconditions: {
    contactAttempted: true,
    tenantReached: false,
    pointedToDebtHelp: true,
    reminderSentOn: daysAgo(20),
    consentOfferMade: true,
    tenantObjected: false,
  },
});

const post = (body: unknown, token?: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/signals',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    payload: body as object,
  });

const countRows = async (table: 'signal' | 'outbox') =>
  Number((await app.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('POST /v1/signals', () => {
  it('when a landlord posts a valid rent signal, then it is stored with its subject and opens a case with one thin CaseOpened before the 201', async () => {
    const signal = validSignal();
    const partnerId = `landlord-${randomUUID()}`;
    const response = await post(signal, await landlordToken(partnerId));

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ reference: signal.reference, type: 'rent', status: 'in_progress' });
    expect(body.caseId).toEqual(expect.any(String));
    expect(response.headers.location).toBe(`/v1/signals/${body.id}`);
    const postcode = signal.address.postcode.replace(' ', '').toUpperCase();

    const { rows } = await app.pool.query(
      `SELECT s.postcode, s.arrears_cents, s.subject_family_name, s.preconditions, o.topic, o.headers, o.payload
         FROM signal s JOIN outbox o ON o.message_key = s.case_id::text WHERE s.id = $1`,
      [body.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      postcode,
      arrears_cents: 61250,
      subject_family_name: 'de Vries',
      preconditions: expect.objectContaining({ consentOfferMade: true }),
      topic: 'signals.events.v1',
    });
    expect(rows[0].headers).toMatchObject({
      ce_type: 'nl.vangnet.signals.CaseOpened.v1',
      ce_specversion: '1.0',
      ce_source: 'urn:nld:oin:00000000000000000000:systeem:vangnet-signals',
      ce_dataschema: 'https://vangnet.nl/asyncapi/asyncapi.json#/components/schemas/CaseOpenedV1',
    });
    // Thin event: no name, birth date, e-mail, reference, house number addition or exact amount.
    expect(rows[0].payload).toEqual({
      caseId: body.caseId,
      firstSignalId: body.id,
      // The sender (an organisation), so networks can queue an unmapped address for its municipality.
      partnerId,
      signalKind: 'rent',
      urgency: 'regular',
      postcode,
      houseNumber: signal.address.houseNumber,
      amountBand: '500_to_2000',
      ageBand: '27_to_66',
      openedAt: body.receivedAt,
    });
    const published = JSON.stringify(rows[0].payload) + JSON.stringify(rows[0].headers);
    for (const personal of ['Vries', 'anna@example.org', '1980-04-02', signal.reference]) {
      expect(published).not.toContain(personal);
    }
  });

  it('when the same landlord sends the same reference twice, then the second is answered 200 with the first signal', async () => {
    const token = await landlordToken();
    const signal = validSignal();
    const first = await post(signal, token);
    const before = await countRows('outbox');
    const second = await post({ ...signal, arrears: { amount: 999, since: daysAgo(40) } }, token);

    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(first.json().id);
    expect(await countRows('outbox')).toBe(before);
  });

  it('when two landlords use the same reference, then each gets its own signal', async () => {
    const signal = validSignal();
    const first = await post(signal, await landlordToken());
    const second = await post(signal, await landlordToken());
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().id).not.toBe(first.json().id);
  });

  it('when there is no token, then 401 problem+json and nothing is stored', async () => {
    const before = await countRows('signal');
    const response = await post(validSignal());
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await countRows('signal')).toBe(before);
  });

  it('when the token is signed by another issuer, then 401', async () => {
    const stranger = await (await import('@vangnet/platform/dev-issuer')).createDevIssuer();
    const token = await stranger.sign({ organisationId: 'x', kind: 'landlord', scopes: ['signals:write'] });
    const response = await post(validSignal(), token);
    expect(response.statusCode).toBe(401);
  });

  it('when the token has expired, then 401', async () => {
    const token = await issuer.sign({ organisationId: 'x', kind: 'landlord', scopes: ['signals:write'], ttl: -60 });
    expect((await post(validSignal(), token)).statusCode).toBe(401);
  });

  it('when a GP practice token posts a signal, then 403: signals are for creditors', async () => {
    const token = await issuer.sign({ organisationId: 'gp-1', kind: 'gp', scopes: ['signals:write'] });
    const response = await post(validSignal(), token);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN_ORGANISATION_KIND');
  });

  it('when the token lacks the write scope, then 403 naming the scope', async () => {
    const token = await issuer.sign({ organisationId: 'l-1', kind: 'landlord', scopes: ['signals:read'] });
    const response = await post(validSignal(), token);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'MISSING_SCOPE', detail: 'required scope: signals:write' });
  });

  it('when a signal is malformed in many ways, then 400 lists every invalid field and nothing is stored', async () => {
    const before = await countRows('signal');
    const response = await post(
      {
        type: 'parking_fine',
        address: { postcode: '12345', houseNumber: 0 },
        arrears: { amount: 10.001, since: 'yesterday' },
        iban: 'NL91ABNA0417164300',
      },
      await landlordToken(),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    const pointers = problem.errors.map((error: { pointer: string }) => error.pointer).sort();
    expect(pointers).toEqual(
      [
        '/address/houseNumber',
        '/address/postcode',
        '/arrears/amount',
        '/arrears/since',
        '/iban',
        '/reference',
        '/type',
      ].sort(),
    );
    expect(problem.errors.find((error: { pointer: string }) => error.pointer === '/iban').code).toBe('unknown_field');
    expect(problem.errors.find((error: { pointer: string }) => error.pointer === '/reference').code).toBe('required');
    expect(await countRows('signal')).toBe(before);
  });

  it('when the body is not JSON, then 400 MALFORMED_JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: { authorization: `Bearer ${await landlordToken()}`, 'content-type': 'application/json' },
      payload: '{"type": "rent",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('MALFORMED_JSON');
  });

  it('when the body is not JSON at all but form data, then 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: { authorization: `Bearer ${await landlordToken()}`, 'content-type': 'text/plain' },
      payload: 'type=rent',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('GET /v1/signals/{id}', () => {
  it("when a landlord asks for its own signal, then it gets it; another landlord's gets 404", async () => {
    const ownerToken = await landlordToken();
    const created = (await post(validSignal(), ownerToken)).json();

    const own = await app.inject({
      method: 'GET',
      url: `/v1/signals/${created.id}`,
      headers: { authorization: `Bearer ${ownerToken}` },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual(created);

    const other = await app.inject({
      method: 'GET',
      url: `/v1/signals/${created.id}`,
      headers: { authorization: `Bearer ${await landlordToken()}` },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('SIGNAL_NOT_FOUND');
  });
});

describe('service endpoints', () => {
  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/signals'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['type', 'reference', 'address']),
    );
    for (const path of [
      '/signal-batches',
      '/signals',
      '/signals/{signalId}',
      '/monitor',
      '/signal-files',
      '/signal-files/{fileId}',
      '/cases/{caseId}/subject',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    // The file's columns are documented where partners read the endpoint.
    const upload = document.paths['/signal-files'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['text/csv']);
    for (const column of ['reference', 'arrears_amount', 'reminder_sent_on', 'crisis_kind', 'absence_hours']) {
      expect(upload.description).toContain(`\`${column}\``);
    }
    expect(document.paths['/signals'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['status', 'limit', 'cursor']),
    );
    // 400 is kept for requests the document refuses: the cents rule is in the document, not only in a refinement.
    const arrears = document.paths['/signals'].post.requestBody.content['application/json'].schema.properties.arrears;
    expect(arrears.properties.amount.multipleOf).toBe(0.01);
    // The intake rules, the file's content and foreign cursors are 422, documented with their codes.
    const at = (status: number) => document.components.responses[`Problem${status}`].description as string;
    for (const code of [
      'SIGNAL_INVALID',
      'SIGNAL_OUTSIDE_CONVENANT_WINDOW',
      'SIGNAL_FILE_MALFORMED',
      'INVALID_CURSOR',
    ]) {
      expect(at(422)).toContain(`\`${code}\``);
      expect(at(400)).not.toContain(`\`${code}\``);
    }
    for (const [path, method] of [
      ['/signals', 'post'],
      ['/signals', 'get'],
      ['/signal-batches', 'post'],
      ['/signal-files', 'post'],
    ] as const) {
      expect(document.paths[path][method].responses['422'], `${method} ${path}`).toEqual({
        $ref: '#/components/responses/Problem422',
      });
    }
  });

  it('is ready when its database and broker answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.json()).toEqual({
      status: 'up',
      checks: { database: { status: 'up', critical: true }, kafka: { status: 'up', critical: false } },
    });
  });

  it('stays ready and takes signals into the outbox while no broker answers', async () => {
    const env = {
      ...serviceEnv({ infrastructure: testInfrastructure(), databaseUrl: database.url, issuer }),
      // Port 1: nothing listens there, every connection is refused.
      KAFKA_BROKERS: '127.0.0.1:1',
      // A new group's start is looked up at the broker before the app is ready; not here.
      KAFKA_NEW_GROUPS_START: 'earliest',
    };
    const offline = await buildApp(loadConfig(env));
    try {
      await offline.ready();
      const ready = await offline.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({
        status: 'up',
        checks: { database: { status: 'up', critical: true }, kafka: { status: 'down', critical: false } },
      });
      const signal = validSignal();
      const response = await offline.inject({
        method: 'POST',
        url: '/v1/signals',
        headers: { authorization: `Bearer ${await landlordToken()}` },
        payload: signal,
      });
      expect(response.statusCode).toBe(201);
      const { rows } = await offline.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND message_key = $1',
        [response.json().caseId],
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await offline.close();
    }
  });
});

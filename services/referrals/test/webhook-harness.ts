import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { nlGovSource } from '@vangnet/contracts/envelope';
import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { topics } from '@vangnet/contracts/topics';
import { appendToOutbox } from '@vangnet/db/outbox';
import { outboxMessage } from '@vangnet/messaging/outbox';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import { waitFor } from '@vangnet/testing/wait';
import type { z } from 'zod';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const migrations = path.join(import.meta.dirname, '..', 'prisma', 'migrations');

/**
 * The referrals app on a database of its own, allowed to call webhooks on
 * 127.0.0.1 over plain http, with retries milliseconds apart instead of
 * minutes so a test sees several attempts without waiting.
 */
export async function startReferrals(env: Record<string, string> = {}) {
  const infrastructure = testInfrastructure();
  const database: TestDatabase = await createTestDatabase(infrastructure.postgresServerUrl, 'referrals', migrations);
  const issuer: TestIssuer = await createTestIssuer();
  const groupPrefix = `test-${randomBytes(4).toString('hex')}`;
  const app = await buildApp(
    loadConfig({
      ...serviceEnv({ infrastructure, databaseUrl: database.url, issuer, groupPrefix }),
      WEBHOOK_ALLOW_LOCAL_HTTP: 'true',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_RETRY_INITIAL_MS: '20',
      WEBHOOK_RETRY_MAX_MS: '100',
      ...env,
    }),
  );
  await app.ready();
  await caughtUp(app.kafka, `${groupPrefix}.referrals.assignment`);

  const token = (kind: 'team' | 'gp' | 'admin', organisationId: string = randomUUID()) =>
    issuer.sign({ organisationId, kind, scopes: ['referrals:read', 'referrals:write'] });

  const request = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body ? { payload: body as object } : {}),
    });

  return {
    app,
    token,
    request,
    subscribe: (token: string, body: unknown) => request('POST', '/v1/webhook-subscriptions', token, body),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export type Referrals = Awaited<ReturnType<typeof startReferrals>>;

/**
 * Waits until the assignment group, which applies routing events and writes
 * their webhook deliveries, has read what its topic held when the test
 * started. A new group reads the shared topics from the beginning, and the
 * history other test runs left there takes a while; the tests then measure
 * only their own events.
 */
async function caughtUp(kafka: Awaited<ReturnType<typeof buildApp>>['kafka'], groupId: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const watched = [topics.routingDecisions];
    const ends = new Map<string, number>();
    for (const topic of watched) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        ends.set(`${topic}/${partition}`, Number(high));
      }
    }
    await waitFor(
      `consumer group ${groupId} to read the history of its topics`,
      async () => {
        const committed = await admin.fetchOffsets({ groupId, topics: watched });
        const behind = committed.flatMap(({ topic, partitions }) =>
          partitions.filter(({ partition, offset }) => {
            const end = ends.get(`${topic}/${partition}`) ?? 0;
            return end > 0 && Number(offset) < end;
          }),
        );
        return behind.length === 0 ? true : undefined;
      },
      { timeoutMs: 110_000, intervalMs: 250 },
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Publishes a RoutingDecided through the real broker as networks would:
 * the app's own relay carries the outbox row onto routing.decisions.v1,
 * and every consumer group of the app reads it from there.
 */
export async function publishRoutingDecided(
  referrals: Referrals,
  overrides: Partial<z.infer<typeof RoutingDecidedV2.schema>> = {},
) {
  const data = RoutingDecidedV2.schema.parse({
    decisionId: randomUUID(),
    item: { kind: 'case', id: randomUUID() },
    teamId: randomUUID(),
    informTeamIds: [],
    ruleId: 'rule-webhook-test',
    attempt: 1,
    excludedTeamIds: [],
    deadline: '2026-12-04',
    explanation: 'Postcode in the neighbourhood of the team',
    decidedAt: new Date().toISOString(),
    ...overrides,
  });
  // As networks does: the event's time is the decision's, not the moment this line runs.
  const message = outboxMessage(RoutingDecidedV2, data, {
    source: nlGovSource('00000000000000000000', 'vangnet-networks'),
    time: new Date(data.decidedAt),
  });
  await appendToOutbox(referrals.app.prisma, [message]);
  return { eventId: message.eventId, data };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** The receiver's own check of the Standard Webhooks signature. */
  verified: boolean;
}

/**
 * Checks a request the way a partner would, written from the Standard
 * Webhooks spec rather than with the service's code: key = base64 after
 * `whsec_`, HMAC-SHA256 over `id.timestamp.body`, any `v1,` entry of the
 * space-separated header may match, timestamp within five minutes.
 */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** What the receiver answers one request: a status and its headers. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A team's system on 127.0.0.1: records every request, verifies it with
 * the secret once known, and answers 500 to the first `failFirst` requests,
 * or the given `answers` in turn; 204 after that.
 */
export async function startReceiver(options: { failFirst?: number; answers?: Answer[] } = {}) {
  const received: Received[] = [];
  let secret = '';
  let failuresLeft = options.failFirst ?? 0;
  const answers = [...(options.answers ?? [])];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        headers: request.headers,
        body,
        receivedAt: Date.now(),
        verified: verifyStandardWebhook(secret, request.headers, body),
      });
      const answer = answers.shift();
      if (answer) {
        response.writeHead(answer.status, answer.headers).end();
      } else if (failuresLeft > 0) {
        failuresLeft -= 1;
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`temporarily down ${'x'.repeat(1_000)}`);
      } else {
        response.writeHead(204).end();
      }
    });
  });
  // Every connection, even one that never becomes a request (a TLS hello to this plain-http server).
  const connections = { count: 0 };
  server.on('connection', () => {
    connections.count += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/vangnet`,
    port,
    connections,
    received,
    useSecret(value: string) {
      secret = value;
    },
    /** From now on answers 204. */
    recover() {
      failuresLeft = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EventData } from '@vangnet/contracts/events';
import { RoutingDecidedV2, TeamChangedV1 } from '@vangnet/contracts/networks';
import { topics } from '@vangnet/contracts/topics';
import { type Kafka, producerOptions } from '@vangnet/messaging/kafka';
import { type OutboxMessage, outboxMessage } from '@vangnet/messaging/outbox';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { testInfrastructure } from '@vangnet/testing/inject';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import { waitFor } from '@vangnet/testing/wait';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const migrations = path.join(import.meta.dirname, '..', 'prisma', 'migrations');
const source = 'urn:nld:oin:00000000000000000000:systeem:test';

export interface PublishedEvent {
  id: string;
  key: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * The referrals app on a database of its own with a clock the test moves,
 * a producer that publishes what networks and signals would, and a reader
 * of everything on referrals.events.v1, so a test sees the events the relay
 * really published. The deadline poller is slowed to an hour: tests run the
 * timers themselves after moving the clock.
 */
export async function startReferrals(env: Record<string, string> = {}) {
  const infrastructure = testInfrastructure();
  const database: TestDatabase = await createTestDatabase(infrastructure.postgresServerUrl, 'referrals', migrations);
  const issuer: TestIssuer = await createTestIssuer();
  let now = new Date();
  const clock = () => now;
  const config = loadConfig({
    ...serviceEnv({ infrastructure, databaseUrl: database.url, issuer }),
    DEADLINE_POLL_INTERVAL_MS: '3600000',
    // Tests run the retention job themselves, after moving the clock.
    RETENTION_INTERVAL_MINUTES: '0',
    ...env,
  });
  let app = await buildApp(config, undefined, { clock });
  await app.ready();

  const producer: ReturnType<Kafka['producer']> = app.kafka.producer(producerOptions);
  await producer.connect();
  const published: PublishedEvent[] = [];
  const reader: ReturnType<Kafka['consumer']> = app.kafka.consumer({ groupId: `referrals-test-${randomUUID()}` });
  await reader.connect();
  await reader.subscribe({ topics: [topics.referralsEvents], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      published.push({
        id: headers.ce_id ?? '',
        key: String(message.key),
        type: headers.ce_type ?? '',
        data: JSON.parse(String(message.value)),
      });
    },
  });

  const publish = async (message: OutboxMessage) => {
    await producer.send({
      topic: message.topic,
      messages: [{ key: message.messageKey, value: JSON.stringify(message.payload), headers: message.headers }],
    });
  };

  const request = (method: 'GET' | 'POST', url: string, bearer: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${bearer}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  const harness = {
    get app() {
      return app;
    },
    issuer,
    published,
    request,
    publish,
    /** Moves the clock the app reads; time never passes by itself in these tests. */
    setNow(instant: Date | string) {
      now = new Date(instant);
    },
    now: clock,
    teamToken: (teamId: string, scopes = ['referrals:read', 'referrals:write']) =>
      issuer.sign({ organisationId: teamId, kind: 'team', scopes }),
    gpToken: (practiceId = `gp-${randomUUID()}`, municipalityCode?: string) =>
      issuer.sign({
        organisationId: practiceId,
        kind: 'gp',
        scopes: ['referrals:read', 'referrals:write'],
        ...(municipalityCode ? { municipalityCode } : {}),
      }),
    coordinatorToken: (municipalityCode: string) =>
      issuer.sign({
        organisationId: `coordinator-${municipalityCode}`,
        kind: 'coordinator',
        scopes: ['referrals:read', 'referrals:write'],
        municipalityCode,
      }),

    /** Publishes a routing decision as networks would, on the real topic. */
    async decide(overrides: Partial<EventData<typeof RoutingDecidedV2>> = {}) {
      const data: EventData<typeof RoutingDecidedV2> = {
        decisionId: randomUUID(),
        item: { kind: 'case', id: randomUUID() },
        teamId: randomUUID(),
        informTeamIds: [],
        neighbourhoodCode: 'BU99010101',
        ruleId: 'test-rule',
        attempt: 1,
        excludedTeamIds: [],
        deadline: '2026-12-04',
        escalatesOn: '2026-12-16',
        explanation: 'Wijkteam Noord covers BU99010101',
        decidedAt: clock().toISOString(),
        ...overrides,
      };
      const message = outboxMessage(RoutingDecidedV2, data, { source });
      await publish(message);
      return { data, message };
    },

    /** A team in the local read model, published as networks would (TeamChanged on the compacted topic). */
    async team(municipalityCode: string, overrides: Partial<EventData<typeof TeamChangedV1>> = {}) {
      const teamId = overrides.teamId ?? randomUUID();
      await publish(
        outboxMessage(
          TeamChangedV1,
          {
            teamId,
            municipalityCode,
            name: `Team ${teamId.slice(0, 4)}`,
            specialisms: ['general_social_work'],
            neighbourhoodCodes: [],
            capacity: 10,
            active: true,
            revision: 1,
            changedAt: new Date().toISOString(),
            ...overrides,
          },
          { source },
        ),
      );
      await waitFor(`team ${teamId} in the read model`, async () =>
        (await app.prisma.team.findUnique({ where: { id: teamId } })) ? true : undefined,
      );
      return teamId;
    },

    /** The referral of this decision, once the consumer made it. */
    referralOf: (decisionId: string) =>
      waitFor(
        `the referral of decision ${decisionId}`,
        async () => (await app.prisma.referral.findUnique({ where: { decisionId } })) ?? undefined,
      ),

    /** The event of this type about this key, once it is on the broker. */
    event: (type: string, key: string, match: (data: Record<string, unknown>) => boolean = () => true) =>
      waitFor(`${type} for ${key} on the broker`, async () =>
        published.find(
          (event) => event.type === `nl.vangnet.referrals.${type}.v1` && event.key === key && match(event.data),
        ),
      ),

    /** Stops the app and builds a new one on the same database: what a restart leaves is what was persisted. */
    async restart() {
      await app.close();
      app = await buildApp(config, undefined, { clock });
      await app.ready();
    },

    async close() {
      await reader.disconnect();
      await producer.disconnect();
      await app.close();
      await database.drop();
    },
  };
  // The consumer starts at the beginning of the shared topic and may have a
  // backlog of other tests' decisions: wait once, here, until it is through,
  // so each test waits only for its own events.
  const probe = await harness.decide();
  await waitFor(
    'the consumer to catch up with the routing topic',
    async () => (await app.prisma.referral.findUnique({ where: { decisionId: probe.data.decisionId } })) ?? undefined,
    { timeoutMs: 90_000 },
  );
  return harness;
}

export type Harness = Awaited<ReturnType<typeof startReferrals>>;

export async function expectStatus<T extends { statusCode: number; body: string }>(
  response: Promise<T>,
  status: number,
): Promise<T> {
  const resolved = await response;
  if (resolved.statusCode !== status)
    throw new Error(`expected ${status}, got ${resolved.statusCode}: ${resolved.body}`);
  return resolved;
}

/** A municipality code no other test of the run is likely to use. */
export const uniqueMunicipality = () => `GM${randomInt(1000, 10000)}`;

/** A GP referral as a practice system would send it. */
export const gpReferral = (overrides: Record<string, unknown> = {}) => ({
  reference: `WOR-${randomUUID()}`,
  patient: {
    givenName: 'Jan',
    familyName: 'Jansen',
    dateOfBirth: '1950-03-14',
    phone: '+31612345678',
    address: { postcode: '9901 ab', houseNumber: 3 },
  },
  concern: {
    codes: ['loneliness', 'lack_of_daily_structure'],
    icpc: 'Z68',
    note: 'Woont alleen sinds overlijden partner.',
  },
  urgency: 'regular',
  referrer: { name: 'Dr. de Boer', role: 'gp', phone: '0201234567' },
  consent: {
    given: true,
    recordedBy: 'Dr. de Boer',
    recordedAt: new Date(Date.now() - 60_000).toISOString(),
    purposes: ['referral_to_welfare_coach', 'share_with_team', 'feedback_to_referrer'],
  },
  ...overrides,
});

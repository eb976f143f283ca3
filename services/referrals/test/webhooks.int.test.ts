import { randomUUID } from 'node:crypto';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDispatcher } from '../src/features/webhooks/dispatcher.ts';
import { httpSender } from '../src/features/webhooks/sender.ts';
import {
  type Answer,
  publishRoutingDecided,
  type Referrals,
  startReceiver,
  startReferrals,
} from './webhook-harness.ts';

let referrals: Referrals;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

beforeAll(async () => {
  referrals = await startReferrals();
});

afterAll(async () => {
  await referrals?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(options: { failFirst?: number; answers?: Answer[] } = {}) {
  const started = await startReceiver(options);
  receivers.push(started);
  return started;
}

/** A team with a subscription to its own receiver. */
async function subscribedTeam(
  options: { failFirst?: number; answers?: Answer[]; eventTypes?: string[]; teamId?: string } = {},
) {
  const teamId = options.teamId ?? randomUUID();
  const token = await referrals.token('team', teamId);
  const endpoint = await receiver(options);
  const response = await referrals.subscribe(token, {
    url: endpoint.url,
    ...(options.eventTypes ? { eventTypes: options.eventTypes } : {}),
  });
  expect(response.statusCode).toBe(201);
  const subscription = response.json();
  endpoint.useSecret(subscription.secret);
  return { teamId, token, endpoint, subscription };
}

const deliveriesOf = async (token: string, subscriptionId: string) => {
  const response = await referrals.request('GET', `/v1/webhook-subscriptions/${subscriptionId}/deliveries`, token);
  expect(response.statusCode).toBe(200);
  return response.json().items as {
    id: string;
    eventId: string;
    eventType: string;
    status: string;
    attemptCount: number;
    lastStatusCode: number | null;
    nextAttemptAt: string | null;
    attempts: { statusCode: number | null; outcome: string; responseSnippet: string | null }[];
  }[];
};

const consentPurposes = ['referral_to_welfare_coach', 'share_with_team', 'feedback_to_referrer'] as const;
const statusKeys = ['requestId', 'status', 'outcome', 'acceptedAt', 'firstContactAt', 'closedAt'];

/** A GP referral request of the practice, with the patient's consent for these purposes. */
async function gpRequest(practice: string, purposes: readonly string[]): Promise<string> {
  const response = await referrals.request('POST', '/v1/referrals', practice, {
    patient: {
      givenName: 'Jan',
      familyName: 'Jansen',
      dateOfBirth: '1950-03-14',
      address: { postcode: '9901AB', houseNumber: 3 },
    },
    concern: { codes: ['loneliness'] },
    urgency: 'regular',
    referrer: { name: 'Dr. de Boer', role: 'gp', phone: '0201234567' },
    consent: {
      given: true,
      recordedBy: 'Dr. de Boer',
      recordedAt: new Date(Date.now() - 3_600_000).toISOString(),
      purposes,
    },
  });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

/** The referral a routing decision made in the team's inbox, once the assignment group stored it. */
async function referralOf(team: { teamId: string; token: string }, decisionId: string): Promise<string> {
  const { rows } = await waitFor('the referral is in the inbox', async () => {
    const found = await referrals.app.pool.query<{ id: string }>(
      'SELECT id FROM referral WHERE decision_id = $1 AND team_id = $2',
      [decisionId, team.teamId],
    );
    return found.rows.length > 0 ? found : undefined;
  });
  return rows[0]?.id ?? '';
}

/** A team's action on a referral through its API. */
async function act(team: { teamId: string; token: string }, referralId: string, action: string, body?: unknown) {
  const response = await referrals.request(
    'POST',
    `/v1/teams/${team.teamId}/referrals/${referralId}/${action}`,
    team.token,
    body,
  );
  expect(response.statusCode, `${action}: ${response.body}`).toBeLessThan(300);
  return response;
}

describe('webhook subscriptions', () => {
  it('when a team registers an endpoint, then it gets the subscription with a whsec_ secret shown this once', async () => {
    const token = await referrals.token('team');
    const created = await referrals.subscribe(token, {
      url: 'https://crm.team.example/hooks',
      eventTypes: ['RoutingDecided', 'ReferralAccepted'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const body = created.json();
    expect(body).toEqual({
      id: expect.any(String),
      url: 'https://crm.team.example/hooks',
      eventTypes: ['RoutingDecided', 'ReferralAccepted'],
      createdAt: expect.any(String),
      status: 'active',
      retiredAt: null,
      retiredStatusCode: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });

    const one = await referrals.request('GET', `/v1/webhook-subscriptions/${body.id}`, token);
    expect(one.statusCode).toBe(200);
    expect(one.json()).not.toHaveProperty('secret');
    const list = await referrals.request('GET', '/v1/webhook-subscriptions', token);
    expect(list.json().items).toEqual([{ ...one.json() }]);
    expect(JSON.stringify(list.json())).not.toContain(body.secret);
  });

  it("when another team or a GP practice asks for a team's subscription, then it does not exist for them", async () => {
    const owner = await referrals.token('team');
    const { id } = (await referrals.subscribe(owner, { url: 'https://crm.team.example/a' })).json();
    for (const stranger of [await referrals.token('team'), await referrals.token('gp', `gp-${randomUUID()}`)]) {
      for (const [method, url] of [
        ['GET', `/v1/webhook-subscriptions/${id}`],
        ['GET', `/v1/webhook-subscriptions/${id}/deliveries`],
        ['DELETE', `/v1/webhook-subscriptions/${id}`],
      ] as const) {
        const response = await referrals.request(method, url, stranger);
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json().code).toBe('WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      }
      expect((await referrals.request('GET', '/v1/webhook-subscriptions', stranger)).json().items).toEqual([]);
    }
    expect((await referrals.request('GET', `/v1/webhook-subscriptions/${id}`, owner)).statusCode).toBe(200);
  });

  it('when a GP practice registers an endpoint, then the subscription is its own', async () => {
    const practice = await referrals.token('gp', `gp-${randomUUID()}`);
    const created = await referrals.subscribe(practice, { url: 'https://his.practice.example/vangnet' });
    expect(created.statusCode).toBe(201);
    expect((await referrals.request('GET', '/v1/webhook-subscriptions', practice)).json().items).toHaveLength(1);
  });

  it('when the owner deletes a subscription, then it is gone', async () => {
    const token = await referrals.token('team');
    const { id } = (await referrals.subscribe(token, { url: 'https://crm.team.example/b' })).json();
    expect((await referrals.request('DELETE', `/v1/webhook-subscriptions/${id}`, token)).statusCode).toBe(204);
    expect((await referrals.request('GET', `/v1/webhook-subscriptions/${id}`, token)).statusCode).toBe(404);
  });

  it('when the URL is not https, carries credentials, or fields are unknown or wrong, then every one is named', async () => {
    const token = await referrals.token('team');
    const response = await referrals.subscribe(token, {
      url: 'http://user:secret@crm.team.example/hooks',
      eventTypes: ['RoutingDecided', 'SomethingElse'],
      active: true,
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '/active',
      '/eventTypes/1',
      '/url',
      '/url',
    ]);
    expect(JSON.stringify(problem)).toContain('https_required');
    expect(JSON.stringify(problem)).toContain('credentials_in_url');
  });

  it('when a URL of the document’s form names a host that cannot be called, then 422 WEBHOOK_URL_NOT_ALLOWED names it and nothing is kept', async () => {
    const token = await referrals.token('team');
    const response = await referrals.subscribe(token, { url: 'https://crm.team.example:99999/hooks' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'WEBHOOK_URL_NOT_ALLOWED',
      errors: [{ in: 'body', pointer: '/url', code: 'invalid_host' }],
    });
    expect((await referrals.request('GET', '/v1/webhook-subscriptions', token)).json().items).toEqual([]);
  });

  it('when the body is larger than 8 KiB, then it is refused before it is read', async () => {
    const token = await referrals.token('team');
    const response = await referrals.subscribe(token, { url: `https://crm.team.example/${'a'.repeat(9_000)}` });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when a team registers more than ten endpoints, then the eleventh is refused', async () => {
    const token = await referrals.token('team');
    for (let index = 0; index < 10; index += 1) {
      expect((await referrals.subscribe(token, { url: `https://crm.team.example/${index}` })).statusCode).toBe(201);
    }
    const refused = await referrals.subscribe(token, { url: 'https://crm.team.example/11' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('WEBHOOK_SUBSCRIPTION_LIMIT');
  });

  it('when the API document and the metrics are read, then they show the webhook endpoints and deliveries', async () => {
    const openapi = (await referrals.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/webhook-subscriptions',
        '/webhook-subscriptions/{id}',
        '/webhook-subscriptions/{id}/deliveries',
        '/webhook-deliveries/{id}/redeliver',
      ]),
    );
    // The registry /metrics serves on its own port (that listener is tested in tests/e2e/metrics.test.ts).
    const metrics = await referrals.app.metrics.metrics();
    expect(metrics).toContain('# TYPE webhook_deliveries gauge');
    expect(metrics).toContain('# TYPE webhook_attempts_total counter');
  });

  it('when an organisation that is neither a team nor a GP practice subscribes, then it is refused', async () => {
    const admin = await referrals.token('admin');
    expect((await referrals.subscribe(admin, { url: 'https://crm.team.example/' })).statusCode).toBe(403);
  });
});

describe('webhook delivery', () => {
  it('when a case is routed to a team, then its receiver gets the decision as a signed CloudEvent; an informed team too; another team nothing', async () => {
    const chosen = await subscribedTeam();
    const informed = await subscribedTeam();
    const bystander = await subscribedTeam();

    const { eventId, data } = await publishRoutingDecided(referrals, {
      teamId: chosen.teamId,
      informTeamIds: [informed.teamId],
    });

    const request = await waitFor(
      "the chosen team's receiver gets the event",
      async () => chosen.endpoint.received[0],
      { timeoutMs: 30_000 },
    );
    expect(request.verified).toBe(true);
    expect(request.headers['content-type']).toBe('application/cloudevents+json');
    expect(JSON.parse(request.body)).toEqual({
      specversion: '1.0',
      id: eventId,
      source: 'urn:nld:oin:00000000000000000000:systeem:vangnet-networks',
      type: 'nl.vangnet.networks.RoutingDecided.v2',
      subject: data.item.id,
      time: expect.any(String),
      datacontenttype: 'application/json',
      dataschema: 'https://vangnet.nl/asyncapi/asyncapi.json#/components/schemas/RoutingDecidedV2',
      data,
    });
    const [delivery] = await deliveriesOf(chosen.token, chosen.subscription.id);
    expect(request.headers['webhook-id']).toBe(delivery?.id);

    const informedRequest = await waitFor('the informed team gets it', async () => informed.endpoint.received[0]);
    expect(informedRequest.verified).toBe(true);
    expect(JSON.parse(informedRequest.body).id).toBe(eventId);
    // Both deliveries of an event commit in one transaction: the bystander's would exist by now.
    expect(await deliveriesOf(bystander.token, bystander.subscription.id)).toEqual([]);
    expect(bystander.endpoint.received).toEqual([]);

    await waitFor('the delivery is marked delivered', async () => {
      const [logged] = await deliveriesOf(chosen.token, chosen.subscription.id);
      return logged?.status === 'delivered' ? logged : undefined;
    });
  });

  it('when a GP request is routed, declined, accepted, contacted and closed, then the practice gets only its status changes, never team details; another practice nothing', async () => {
    const practiceId = `gp-${randomUUID()}`;
    const practice = await referrals.token('gp', practiceId);
    const practiceEndpoint = await receiver();
    const subscription = (await referrals.subscribe(practice, { url: practiceEndpoint.url })).json();
    practiceEndpoint.useSecret(subscription.secret);
    const otherPractice = await referrals.token('gp', `gp-${randomUUID()}`);
    const otherEndpoint = await receiver();
    const otherSubscription = (await referrals.subscribe(otherPractice, { url: otherEndpoint.url })).json();
    const decliner = await subscribedTeam();
    const taker = await subscribedTeam();

    const requestId = await gpRequest(practice, consentPurposes);
    const item = { kind: 'referral_request' as const, id: requestId };
    const first = await publishRoutingDecided(referrals, {
      item,
      teamId: decliner.teamId,
      explanation: 'Team Noord: postcode 9901 in its area, 3 places left',
    });
    const routed = await waitFor(
      'the practice hears its request is routed',
      async () => practiceEndpoint.received.find((received) => JSON.parse(received.body).data.status === 'routed'),
      { timeoutMs: 30_000 },
    );
    expect(routed.verified).toBe(true);
    expect(JSON.parse(routed.body)).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: 'urn:nld:oin:00000000000000000000:systeem:vangnet-referrals',
      type: 'nl.vangnet.referrals.GpReferralStatusChanged.v1',
      subject: requestId,
      time: first.data.decidedAt,
      datacontenttype: 'application/json',
      data: { requestId, status: 'routed' },
    });

    // The first team declines: the practice's status does not change, so nothing new goes out.
    const declined = await referralOf(decliner, first.data.decisionId);
    await act(decliner, declined, 'decline', { reason: 'already_in_care' });
    await waitFor('the team has its ReferralDeclined (the practice’s turn was in the same transaction)', async () =>
      decliner.endpoint.received.find((received) => JSON.parse(received.body).type.includes('ReferralDeclined')),
    );
    const afterDecline = await deliveriesOf(practice, subscription.id);
    // A networks instance on the shared broker may answer the request with a RoutingFailed: with_coordinator.
    expect(afterDecline.every((delivery) => delivery.eventType.endsWith('GpReferralStatusChanged.v1'))).toBe(true);
    expect(
      practiceEndpoint.received.every((received) =>
        ['routed', 'with_coordinator'].includes(JSON.parse(received.body).data.status),
      ),
    ).toBe(true);

    const second = await publishRoutingDecided(referrals, {
      item,
      teamId: taker.teamId,
      attempt: 2,
      excludedTeamIds: [decliner.teamId],
      explanation: 'Team Zuid: next in line after Team Noord declined',
    });
    const taken = await referralOf(taker, second.data.decisionId);
    // Each step is awaited before the next, as a team works: the practice hears every step it may see.
    const heard = (status: string) =>
      waitFor(`the practice hears ${status}`, async () =>
        practiceEndpoint.received.find((received) => JSON.parse(received.body).data.status === status),
      );
    await act(taker, taken, 'accept');
    await heard('accepted');
    await act(taker, taken, 'contact-attempts', {
      channel: 'home_visit',
      date: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
      partOfDay: 'evening',
      reached: true,
    });
    await heard('first_contact_made');
    await act(taker, taken, 'close', { result: 'quick_fix', notes: 'Rent arrears arranged with the landlord' });

    const closed = await heard('closed');
    expect(JSON.parse(closed.body).data).toEqual({
      requestId,
      status: 'closed',
      outcome: 'quick_fix',
      acceptedAt: expect.any(String),
      firstContactAt: expect.any(String),
      closedAt: expect.any(String),
    });
    const statuses = practiceEndpoint.received
      .map((received) => JSON.parse(received.body).data.status as string)
      .filter((status) => status !== 'with_coordinator');
    expect(statuses.filter((status, index) => status !== statuses[index - 1])).toEqual([
      'routed',
      'accepted',
      'first_contact_made',
      'closed',
    ]);
    for (const received of practiceEndpoint.received) {
      expect(received.verified).toBe(true);
      const event = JSON.parse(received.body);
      expect(event.type).toBe('nl.vangnet.referrals.GpReferralStatusChanged.v1');
      expect(Object.keys(event.data).every((key) => statusKeys.includes(key))).toBe(true);
      // No team, decline reason, routing explanation, contact detail, team event id or patient detail.
      for (const secret of [
        decliner.teamId,
        taker.teamId,
        declined,
        taken,
        first.eventId,
        second.eventId,
        'already_in_care',
        'Team Noord',
        'Team Zuid',
        'home_visit',
        'evening',
        'landlord',
        'Jansen',
        '1950-03-14',
        '9901AB',
      ]) {
        expect(received.body).not.toContain(secret);
      }
    }
    expect(await deliveriesOf(otherPractice, otherSubscription.id)).toEqual([]);
    expect(otherEndpoint.received).toEqual([]);
  });

  it('when the patient did not consent to feedback, then the practice gets no status webhook at all', async () => {
    const practice = await referrals.token('gp', `gp-${randomUUID()}`);
    const practiceEndpoint = await receiver();
    const subscription = (await referrals.subscribe(practice, { url: practiceEndpoint.url })).json();
    const team = await subscribedTeam();

    const requestId = await gpRequest(
      practice,
      consentPurposes.filter((purpose) => purpose !== 'feedback_to_referrer'),
    );
    const routed = await publishRoutingDecided(referrals, {
      item: { kind: 'referral_request', id: requestId },
      teamId: team.teamId,
    });
    const referralId = await referralOf(team, routed.data.decisionId);
    await act(team, referralId, 'accept');
    // The team's ReferralAccepted delivery commits with whatever the practice would have been sent.
    await waitFor('the team has its ReferralAccepted', async () =>
      team.endpoint.received.find((received) => JSON.parse(received.body).type.includes('ReferralAccepted')),
    );
    expect(await deliveriesOf(practice, subscription.id)).toEqual([]);
    expect(practiceEndpoint.received).toEqual([]);
  });

  it('when a practice filters on a team event or a team on the GP status event, then 422 refuses it, naming the field', async () => {
    const practice = await referrals.token('gp', `gp-${randomUUID()}`);
    const refused = await referrals.subscribe(practice, {
      url: 'https://his.practice.example/vangnet',
      eventTypes: ['GpReferralStatusChanged', 'ReferralDeclined'],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'WEBHOOK_EVENT_NOT_AVAILABLE',
      errors: [{ pointer: '/eventTypes/1', code: 'event_not_available' }],
    });
    const team = await referrals.token('team');
    const teamRefused = await referrals.subscribe(team, {
      url: 'https://crm.team.example/hooks',
      eventTypes: ['GpReferralStatusChanged'],
    });
    expect(teamRefused.statusCode).toBe(422);
    expect(teamRefused.json().code).toBe('WEBHOOK_EVENT_NOT_AVAILABLE');
    const allowed = await referrals.subscribe(practice, {
      url: 'https://his.practice.example/vangnet',
      eventTypes: ['GpReferralStatusChanged'],
    });
    expect(allowed.statusCode).toBe(201);
  });

  it('when the team accepts the referral in its inbox, then its receiver gets ReferralAccepted as well', async () => {
    const team = await subscribedTeam();
    const { eventId } = await publishRoutingDecided(referrals, { teamId: team.teamId });
    await waitFor(
      'the routing decision arrives',
      async () => team.endpoint.received.find((request) => JSON.parse(request.body).id === eventId),
      { timeoutMs: 30_000 },
    );
    const referral = await waitFor('the referral is in the inbox', async () => {
      const inbox = await referrals.request('GET', `/v1/teams/${team.teamId}/referrals`, team.token);
      return inbox.json().items?.[0] as { id: string } | undefined;
    });
    const accepted = await referrals.request(
      'POST',
      `/v1/teams/${team.teamId}/referrals/${referral.id}/accept`,
      team.token,
    );
    expect(accepted.statusCode).toBe(200);

    const request = await waitFor('ReferralAccepted arrives', async () =>
      team.endpoint.received.find(
        (received) => JSON.parse(received.body).type === 'nl.vangnet.referrals.ReferralAccepted.v1',
      ),
    );
    expect(request.verified).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({
      subject: referral.id,
      data: { referralId: referral.id, teamId: team.teamId, acceptedAt: expect.any(String) },
    });
  });

  it('when the accept answers, then its delivery and its outbox message are already committed, before any Kafka round trip', async () => {
    const team = await subscribedTeam();
    const { data } = await publishRoutingDecided(referrals, { teamId: team.teamId });
    const referralId = await referralOf(team, data.decisionId);
    // The routing decision's delivery was written with the referral, in the assignment group's transaction.
    const routed = await referrals.app.pool.query(
      'SELECT r.id FROM referral r JOIN webhook_delivery d ON d.event_type = $1 AND d.data->>$2 = r.decision_id::text WHERE r.id = $3 AND d.subscription_id = $4',
      ['nl.vangnet.networks.RoutingDecided.v2', 'decisionId', referralId, team.subscription.id],
    );
    expect(routed.rows).toHaveLength(1);

    await act(team, referralId, 'accept');
    // No wait: the HTTP answer came after the commit, and that commit holds the delivery.
    const { rows } = await referrals.app.pool.query<{ event_id: string; outbox_event: string | null }>(
      `SELECT d.event_id::text, o.event_id::text AS outbox_event
         FROM webhook_delivery d LEFT JOIN outbox o ON o.event_id::text = d.event_id::text
        WHERE d.subscription_id = $1 AND d.event_type = 'nl.vangnet.referrals.ReferralAccepted.v1'
          AND d.data->>'referralId' = $2`,
      [team.subscription.id, referralId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outbox_event).toBe(rows[0]?.event_id);
  });

  it('when three dispatchers share the database, then every delivery is sent once', async () => {
    const others = [1, 2].map(
      () =>
        new WebhookDispatcher({
          prisma: referrals.app.prisma,
          pool: referrals.app.pool,
          logger: referrals.app.log,
          send: httpSender({ timeoutMs: 2_000, allowLocal: true }),
          backoff: { initialMs: 20, maxMs: 100 },
          timeoutMs: 2_000,
        }),
    );
    await Promise.all(others.map((dispatcher) => dispatcher.start()));
    try {
      const team = await subscribedTeam();
      const published = await Promise.all(
        Array.from({ length: 30 }, () => publishRoutingDecided(referrals, { teamId: team.teamId })),
      );
      await waitFor(
        'all thirty are delivered',
        async () => {
          const logged = await deliveriesOf(team.token, team.subscription.id);
          return logged.length === 30 && logged.every((delivery) => delivery.status === 'delivered') ? true : undefined;
        },
        { timeoutMs: 30_000 },
      );
      // The log pages through all thirty, newest first, each once.
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const query: string = `limit=7${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (
          await referrals.request(
            'GET',
            `/v1/webhook-subscriptions/${team.subscription.id}/deliveries?${query}`,
            team.token,
          )
        ).json();
        paged.push(...page.items.map((delivery: { id: string }) => delivery.id));
        cursor = page.next;
      } while (cursor);
      expect(paged).toHaveLength(30);
      expect(new Set(paged).size).toBe(30);
      const badCursor = await referrals.request(
        'GET',
        `/v1/webhook-subscriptions/${team.subscription.id}/deliveries?cursor=bm9wZQ`,
        team.token,
      );
      expect(badCursor.statusCode).toBe(422);
      expect(badCursor.json()).toMatchObject({
        code: 'INVALID_CURSOR',
        errors: [expect.objectContaining({ in: 'querystring', pointer: '/cursor' })],
      });

      const webhookIds = team.endpoint.received.map((request) => request.headers['webhook-id']);
      expect(webhookIds).toHaveLength(30);
      expect(new Set(webhookIds).size).toBe(30);
      expect(new Set(team.endpoint.received.map((request) => JSON.parse(request.body).id))).toEqual(
        new Set(published.map(({ eventId }) => eventId)),
      );
    } finally {
      await Promise.all(others.map((dispatcher) => dispatcher.stop()));
    }
  });

  it('when a subscription filters on other events, then a routing decision is not delivered to it', async () => {
    const filtered = await subscribedTeam({ eventTypes: ['ReferralClosed'] });
    const everything = await subscribedTeam();
    const { eventId } = await publishRoutingDecided(referrals, {
      teamId: filtered.teamId,
      informTeamIds: [everything.teamId],
    });
    await waitFor('the unfiltered subscription gets it', async () => everything.endpoint.received[0], {
      timeoutMs: 30_000,
    });
    expect(JSON.parse(everything.endpoint.received[0]?.body ?? '{}').id).toBe(eventId);
    expect(await deliveriesOf(filtered.token, filtered.subscription.id)).toEqual([]);
  });

  it('when the receiver fails the first three times, then the event arrives on the fourth attempt with the same webhook-id, and the log shows each attempt', async () => {
    const team = await subscribedTeam({ failFirst: 3 });
    const { eventId } = await publishRoutingDecided(referrals, { teamId: team.teamId });

    const delivered = await waitFor(
      'the delivery succeeds after retries',
      async () => {
        const [delivery] = await deliveriesOf(team.token, team.subscription.id);
        return delivery?.status === 'delivered' ? delivery : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(team.endpoint.received).toHaveLength(4);
    expect(team.endpoint.received.every((request) => request.verified)).toBe(true);
    expect(new Set(team.endpoint.received.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([delivered.id]),
    );
    expect(new Set(team.endpoint.received.map((request) => JSON.parse(request.body).id))).toEqual(new Set([eventId]));
    expect(delivered).toMatchObject({ attemptCount: 4, lastStatusCode: 204, nextAttemptAt: null });
    expect(delivered.attempts.map((attempt) => attempt.statusCode)).toEqual([204, 500, 500, 500]);
    expect(delivered.attempts.map((attempt) => attempt.outcome)).toEqual([
      'delivered',
      'http_status',
      'http_status',
      'http_status',
    ]);
    // The receiver's answer is not read or kept: the status code is enough.
    expect(delivered.attempts.every((attempt) => attempt.responseSnippet === null)).toBe(true);
  });

  it('when the receiver answers 410 Gone, then the subscription is retired, shows it, and gets nothing more', async () => {
    const gone = await subscribedTeam({ answers: [{ status: 410 }] });
    // The same team's second endpoint: once it has an event, the retired one would have had it too.
    const other = await subscribedTeam({ teamId: gone.teamId });
    await publishRoutingDecided(referrals, { teamId: gone.teamId });
    const failed = await waitFor(
      'the delivery fails on the 410',
      async () => {
        const [delivery] = await deliveriesOf(gone.token, gone.subscription.id);
        return delivery?.status === 'failed' ? delivery : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(failed).toMatchObject({ attemptCount: 1, lastStatusCode: 410, nextAttemptAt: null });

    const shown = await referrals.request('GET', `/v1/webhook-subscriptions/${gone.subscription.id}`, gone.token);
    expect(shown.json()).toMatchObject({ status: 'retired', retiredStatusCode: 410, retiredAt: expect.any(String) });
    const listed = await referrals.request('GET', '/v1/webhook-subscriptions', gone.token);
    expect(
      listed
        .json()
        .items.map((item: { id: string; status: string }) => [item.id, item.status])
        .sort(),
    ).toEqual(
      [
        [gone.subscription.id, 'retired'],
        [other.subscription.id, 'active'],
      ].sort(),
    );

    const next = await publishRoutingDecided(referrals, { teamId: gone.teamId });
    await waitFor('the active endpoint gets the next event', async () =>
      other.endpoint.received.find((request) => JSON.parse(request.body).id === next.eventId),
    );
    expect(gone.endpoint.received).toHaveLength(1);
    expect((await deliveriesOf(gone.token, gone.subscription.id)).map((delivery) => delivery.id)).toEqual([failed.id]);

    const redeliver = await referrals.request('POST', `/v1/webhook-deliveries/${failed.id}/redeliver`, gone.token);
    expect(redeliver.statusCode).toBe(409);
    expect(redeliver.json().code).toBe('WEBHOOK_SUBSCRIPTION_RETIRED');
    expect(gone.endpoint.received).toHaveLength(1);
  });

  it('when the receiver answers 429 with Retry-After, then the next attempt waits as long as it asked', async () => {
    // The harness retries 20-100 ms apart: only the Retry-After can hold the second attempt back 2 s.
    const team = await subscribedTeam({ answers: [{ status: 429, headers: { 'retry-after': '2' } }] });
    await publishRoutingDecided(referrals, { teamId: team.teamId });
    const delivered = await waitFor(
      'the delivery succeeds on the second attempt',
      async () => {
        const [delivery] = await deliveriesOf(team.token, team.subscription.id);
        return delivery?.status === 'delivered' ? delivery : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(delivered.attempts.map((attempt) => attempt.statusCode)).toEqual([204, 429]);
    const [first, second] = team.endpoint.received;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(2_000);
  });

  it('when the owner asks for a redelivery, then the receiver gets the event again; another team cannot ask', async () => {
    const team = await subscribedTeam();
    await publishRoutingDecided(referrals, { teamId: team.teamId });
    const first = await waitFor(
      'the first delivery',
      async () => {
        const [delivery] = await deliveriesOf(team.token, team.subscription.id);
        return delivery?.status === 'delivered' ? delivery : undefined;
      },
      { timeoutMs: 30_000 },
    );

    const stranger = await referrals.token('team');
    const refused = await referrals.request('POST', `/v1/webhook-deliveries/${first.id}/redeliver`, stranger);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');

    const accepted = await referrals.request('POST', `/v1/webhook-deliveries/${first.id}/redeliver`, team.token);
    expect(accepted.statusCode).toBe(202);
    // Pending when asked; the dispatcher, woken by the request, may already have sent it.
    expect(accepted.json().id).toBe(first.id);
    expect(['pending', 'delivered']).toContain(accepted.json().status);

    await waitFor('the receiver gets it a second time', async () => team.endpoint.received[1]);
    const [again, original] = team.endpoint.received.slice().reverse();
    expect(again?.verified).toBe(true);
    expect(again?.headers['webhook-id']).toBe(original?.headers['webhook-id']);
    expect(again?.body).toBe(original?.body);
    const redelivered = await waitFor('the log shows the second attempt', async () => {
      const [delivery] = await deliveriesOf(team.token, team.subscription.id);
      return delivery?.status === 'delivered' && delivery.attempts.length === 2 ? delivery : undefined;
    });
    // The count starts again at the redelivery (its retries back off from the start); the log keeps both.
    expect(redelivered.attemptCount).toBe(1);
  });

  it('when the same event is read twice, then it is delivered once per subscription', async () => {
    const team = await subscribedTeam();
    const item = { kind: 'case' as const, id: randomUUID() };
    const { eventId } = await publishRoutingDecided(referrals, { teamId: team.teamId, item });
    await waitFor('the delivery', async () => team.endpoint.received[0], { timeoutMs: 30_000 });
    // A second copy of the same event, as a relay re-publishing after a crash would send it.
    await referrals.app.pool.query(
      `INSERT INTO outbox (event_id, topic, message_key, headers, payload)
       SELECT gen_random_uuid(), topic, message_key, headers, payload FROM outbox WHERE event_id = $1`,
      [eventId],
    );
    // Same item, same key, same partition: once this one arrives, the copy before it was read.
    const barrier = await publishRoutingDecided(referrals, { teamId: team.teamId, item });
    await waitFor('the next event on the partition', async () =>
      team.endpoint.received.find((request) => JSON.parse(request.body).id === barrier.eventId),
    );
    const ids = team.endpoint.received.map((request) => JSON.parse(request.body).id);
    expect(ids).toEqual([eventId, barrier.eventId]);
    expect((await deliveriesOf(team.token, team.subscription.id)).map((delivery) => delivery.eventId).sort()).toEqual(
      [eventId, barrier.eventId].sort(),
    );
  });

  it('when the receiver keeps failing for 24 hours, then the delivery is marked failed; a redelivery sends it once it is back', async () => {
    const team = await subscribedTeam({ failFirst: Number.MAX_SAFE_INTEGER });
    await publishRoutingDecided(referrals, { teamId: team.teamId });
    await waitFor('a first failed attempt', async () => team.endpoint.received[0], { timeoutMs: 30_000 });

    // A second dispatcher, as another instance would run, whose clock is 25 hours on.
    const later = new WebhookDispatcher({
      prisma: referrals.app.prisma,
      pool: referrals.app.pool,
      logger: referrals.app.log,
      send: httpSender({ timeoutMs: 2_000, allowLocal: true }),
      backoff: { initialMs: 20, maxMs: 100 },
      timeoutMs: 2_000,
      now: () => new Date(Date.now() + 25 * 60 * 60 * 1000),
    });
    await later.start();
    try {
      const failed = await waitFor('the delivery is marked failed', async () => {
        const [delivery] = await deliveriesOf(team.token, team.subscription.id);
        return delivery?.status === 'failed' ? delivery : undefined;
      });
      expect(failed.nextAttemptAt).toBeNull();
      expect(failed.lastStatusCode).toBe(500);
    } finally {
      await later.stop();
    }
    // Every request the receiver saw is in the log (one may still have been in flight when it failed).
    const failed = await waitFor('every attempt is logged', async () => {
      const [delivery] = await deliveriesOf(team.token, team.subscription.id);
      return delivery?.attemptCount === team.endpoint.received.length ? delivery : undefined;
    });
    expect(failed.status).toBe('failed');
    const attemptsWhenFailed = failed.attemptCount;

    team.endpoint.recover();
    const redeliver = await referrals.request('POST', `/v1/webhook-deliveries/${failed.id}/redeliver`, team.token);
    expect(redeliver.statusCode).toBe(202);
    const delivered = await waitFor('the redelivery succeeds', async () => {
      const [delivery] = await deliveriesOf(team.token, team.subscription.id);
      return delivery?.status === 'delivered' ? delivery : undefined;
    });
    // Counted from the redelivery, so a failure now would be retried after the initial delay, not the cap.
    expect(delivered.attemptCount).toBe(1);
    expect(delivered.attempts).toHaveLength(Math.min(20, attemptsWhenFailed + 1));
    expect(team.endpoint.received.at(-1)?.verified).toBe(true);
  });

  it('when a subscription is deleted, then its deliveries go with it and nothing more is sent', async () => {
    const team = await subscribedTeam({ failFirst: Number.MAX_SAFE_INTEGER });
    await publishRoutingDecided(referrals, { teamId: team.teamId });
    await waitFor('a first attempt', async () => team.endpoint.received[0], { timeoutMs: 30_000 });
    expect(
      (await referrals.request('DELETE', `/v1/webhook-subscriptions/${team.subscription.id}`, team.token)).statusCode,
    ).toBe(204);
    const { rows } = await referrals.app.pool.query(
      'SELECT count(*)::int AS n FROM webhook_delivery WHERE subscription_id = $1',
      [team.subscription.id],
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('delivery log retention', () => {
  // Last in the file: it forgets every finished delivery of this database.
  it('when a finished delivery is older than 30 days, then the log forgets it; a pending one stays', async () => {
    const done = await subscribedTeam();
    await publishRoutingDecided(referrals, { teamId: done.teamId });
    await waitFor(
      'the delivery is delivered',
      async () => {
        const [delivery] = await deliveriesOf(done.token, done.subscription.id);
        return delivery?.status === 'delivered' ? delivery : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const failing = await subscribedTeam({ failFirst: Number.MAX_SAFE_INTEGER });
    await publishRoutingDecided(referrals, { teamId: failing.teamId });
    await waitFor('a failed attempt', async () => failing.endpoint.received[0]);

    const monthLater = new WebhookDispatcher({
      prisma: referrals.app.prisma,
      pool: referrals.app.pool,
      logger: referrals.app.log,
      send: httpSender({ timeoutMs: 2_000, allowLocal: true }),
      backoff: { initialMs: 20, maxMs: 100 },
      timeoutMs: 2_000,
      cleanupIntervalMs: 20,
      now: () => new Date(Date.now() + 31 * 24 * 60 * 60 * 1000),
    });
    await monthLater.start();
    try {
      await waitFor('the delivered one is forgotten', async () =>
        (await deliveriesOf(done.token, done.subscription.id)).length === 0 ? true : undefined,
      );
    } finally {
      await monthLater.stop();
    }
    // The failing one was pending, or failed just now by the clock a month on: too recent to forget.
    const { rows } = await referrals.app.pool.query(
      'SELECT count(*)::int AS n FROM webhook_delivery WHERE subscription_id = $1',
      [failing.subscription.id],
    );
    expect(rows[0].n).toBe(1);
  });
});

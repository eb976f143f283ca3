import { randomUUID } from 'node:crypto';
import type { EventData } from '@vangnet/contracts/events';
import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { CaseOpenedV1 } from '@vangnet/contracts/signals';
import { producerOptions } from '@vangnet/messaging/kafka';
import { outboxMessage } from '@vangnet/messaging/outbox';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, type Harness, startReferrals, uniqueMunicipality } from './harness.ts';

let referrals: Harness;

beforeAll(async () => {
  referrals = await startReferrals();
});

afterAll(async () => {
  await referrals?.close();
});

const testSource = 'urn:nld:oin:00000000000000000000:systeem:test';

/** Signals' opening of a household case in crisis, as referrals' urgency read model receives it. */
const openCrisisCase = (caseId: string) =>
  referrals.publish(
    outboxMessage(
      CaseOpenedV1,
      {
        caseId,
        firstSignalId: randomUUID(),
        signalKind: 'energy',
        urgency: 'crisis',
        postcode: '9901AB',
        houseNumber: 1,
        amountBand: 'under_500',
        openedAt: new Date().toISOString(),
      },
      { source: testSource },
    ),
  );

const inbox = (teamId: string, token: string, query = '') =>
  referrals.request('GET', `/v1/teams/${teamId}/referrals${query}`, token);
const act = (teamId: string, referralId: string, action: string, token: string, body?: unknown) =>
  referrals.request('POST', `/v1/teams/${teamId}/referrals/${referralId}/${action}`, token, body);

describe('a routing decision becomes a referral in the team inbox', () => {
  it('when networks decides for a team, then the referral is in its inbox once, however often the decision arrives, and informed teams get a notice', async () => {
    const informed = randomUUID();
    const { data, message } = await referrals.decide({ informTeamIds: [informed] });
    const token = await referrals.teamToken(data.teamId);
    const listed = await waitFor('the referral in the inbox', async () => {
      const body = (await expectStatus(inbox(data.teamId, token), 200)).json();
      return body.items.length ? body.items : undefined;
    });
    expect(listed).toEqual([
      expect.objectContaining({
        teamId: data.teamId,
        item: data.item,
        status: 'routed',
        deadline: '2026-12-04',
        escalatesOn: '2026-12-16',
        neighbourhoodCode: 'BU99010101',
        attempt: 1,
        allowedActions: ['accept', 'decline', 'transfer'],
        links: expect.objectContaining({ subject: `/v1/cases/${data.item.id}/subject` }),
      }),
    ]);

    // The same decision again under a new event id (a replayed dead letter): no second referral.
    await referrals.publish({
      ...message,
      eventId: randomUUID(),
      headers: { ...message.headers, ce_id: randomUUID() },
    });
    const second = await referrals.decide({ teamId: data.teamId });
    await referrals.referralOf(second.data.decisionId);
    const { rows } = await referrals.app.pool.query('SELECT count(*)::int AS n FROM referral WHERE decision_id = $1', [
      data.decisionId,
    ]);
    expect(rows[0].n).toBe(1);

    const notices = (
      await expectStatus(
        referrals.request('GET', `/v1/teams/${informed}/notices`, await referrals.teamToken(informed)),
        200,
      )
    ).json();
    expect(notices.items).toEqual([expect.objectContaining({ item: data.item, assignedTeamId: data.teamId })]);
    // A notice is read-only: the informed team has no referral of its own.
    expect((await expectStatus(inbox(informed, await referrals.teamToken(informed)), 200)).json().items).toEqual([]);
  });

  it('when a run of decisions arrives at once (a file’s backlog), then each is a referral with its history, notice, webhook delivery and urgency, and a repeat counts once', async () => {
    const teamId = randomUUID();
    const informed = randomUUID();
    const token = await referrals.teamToken(teamId);
    const subscription = (
      await expectStatus(
        referrals.request('POST', '/v1/webhook-subscriptions', token, {
          url: 'https://crm.team.example/hooks',
          eventTypes: ['RoutingDecided'],
        }),
        201,
      )
    ).json();
    const crisisCase = randomUUID();
    await openCrisisCase(crisisCase);
    await waitFor(
      'the case’s urgency in the read model',
      async () => (await referrals.app.prisma.itemUrgency.findUnique({ where: { itemId: crisisCase } })) ?? undefined,
    );
    const decisions: EventData<typeof RoutingDecidedV2>[] = Array.from({ length: 30 }, (_, n) => ({
      decisionId: randomUUID(),
      item: { kind: 'case', id: n === 0 ? crisisCase : randomUUID() },
      teamId,
      informTeamIds: [informed],
      neighbourhoodCode: 'BU99010101',
      ruleId: 'file-rule',
      attempt: 1,
      excludedTeamIds: [],
      deadline: '2026-12-04',
      escalatesOn: '2026-12-16',
      explanation: 'Wijkteam Noord covers BU99010101',
      decidedAt: new Date().toISOString(),
    }));
    const messages = decisions.map((data) => outboxMessage(RoutingDecidedV2, data, { source: testSource }));
    const repeated = messages[5] as (typeof messages)[number];
    const again = { ...repeated, headers: { ...repeated.headers, ce_id: randomUUID() } };
    messages.splice(10, 0, again);
    // One key, one send: one partition's batch, which the consumer hands over as one run.
    const producer = referrals.app.kafka.producer(producerOptions);
    await producer.connect();
    await producer.send({
      topic: RoutingDecidedV2.topic,
      messages: messages.map((message) => ({
        key: teamId,
        value: JSON.stringify(message.payload),
        headers: message.headers,
      })),
    });
    await producer.disconnect();
    for (const { decisionId } of decisions) await referrals.referralOf(decisionId);

    const count = async (sql: string) =>
      (await referrals.app.pool.query<{ n: number }>(sql, [decisions.map(({ decisionId }) => decisionId)])).rows[0]?.n;
    expect(await count('SELECT count(*)::int AS n FROM referral WHERE decision_id = ANY($1::uuid[])')).toBe(30);
    expect(
      await count(`SELECT count(*)::int AS n FROM referral_history h JOIN referral r ON r.id = h.referral_id
                    WHERE r.decision_id = ANY($1::uuid[]) AND h.action = 'route' AND h.code = 'file-rule'`),
    ).toBe(30);
    expect(await count('SELECT count(*)::int AS n FROM referral_notice WHERE decision_id = ANY($1::uuid[])')).toBe(30);
    const deliveries = await referrals.app.prisma.webhookDelivery.findMany({
      where: { subscriptionId: subscription.id },
      select: { eventId: true },
    });
    expect(new Set(deliveries.map(({ eventId }) => eventId))).toEqual(
      new Set(messages.filter((message) => message !== again).map((message) => message.headers.ce_id)),
    );
    const crisis = await referrals.app.prisma.referral.findUniqueOrThrow({
      where: { decisionId: decisions[0]?.decisionId as string },
    });
    expect(crisis.urgency).toBe('crisis');
  });

  it('when a decision from before the escalation date existed arrives (v1 through the upcaster), then 3x the deadline in working days is computed', async () => {
    const { data } = await referrals.decide({
      escalatesOn: undefined,
      deadline: '2026-12-04',
      decidedAt: '2026-11-30T09:00:00Z',
    });
    const referral = await referrals.referralOf(data.decisionId);
    expect(referral.escalatesOn.toISOString().slice(0, 10)).toBe('2026-12-16');
  });
});

describe('the team works the referral', () => {
  it('when the team accepts, records contact attempts and closes, then each step is published on the broker and kept in the history', async () => {
    const { data } = await referrals.decide();
    const referral = await referrals.referralOf(data.decisionId);
    const token = await referrals.teamToken(data.teamId);
    referrals.setNow(new Date());
    const today = new Date().toISOString().slice(0, 10);

    const accepted = (await expectStatus(act(data.teamId, referral.id, 'accept', token), 200)).json();
    expect(accepted).toMatchObject({ status: 'accepted', allowedActions: ['transfer', 'record_contact', 'close'] });
    const contact = { channel: 'phone', date: today, partOfDay: 'morning', reached: false };
    const first = (await expectStatus(act(data.teamId, referral.id, 'contact-attempts', token, contact), 201)).json();
    expect(first.status).toBe('in_progress');
    await expectStatus(
      act(data.teamId, referral.id, 'contact-attempts', token, {
        ...contact,
        channel: 'home_visit',
        partOfDay: 'evening',
        reached: true,
      }),
      201,
    );
    const closed = (
      await expectStatus(
        act(data.teamId, referral.id, 'close', token, { result: 'follow_up_financial', notes: 'Budgetcoach gestart.' }),
        200,
      )
    ).json();
    expect(closed).toMatchObject({
      status: 'closed',
      result: 'follow_up_financial',
      closingNotes: 'Budgetcoach gestart.',
    });
    expect(closed.contactAttempts).toHaveLength(2);
    expect(closed.history.map((entry: { action: string }) => entry.action)).toEqual([
      'route',
      'accept',
      'record_contact',
      'record_contact',
      'close',
    ]);
    expect(closed.links.subject).toBeUndefined();

    const ref = { referralId: referral.id, item: data.item, teamId: data.teamId };
    expect((await referrals.event('ReferralAccepted', referral.id)).data).toMatchObject(ref);
    const attempts = await waitFor('both contact attempts on the broker', async () => {
      const found = referrals.published.filter(
        (event) => event.type === 'nl.vangnet.referrals.ContactAttempted.v1' && event.key === referral.id,
      );
      return found.length === 2 ? found : undefined;
    });
    expect(attempts.map((event) => event.data)).toEqual([
      expect.objectContaining({ ...ref, channel: 'phone', date: today, partOfDay: 'morning', reached: false }),
      expect.objectContaining({ ...ref, channel: 'home_visit', partOfDay: 'evening', reached: true }),
    ]);
    const closedEvent = await referrals.event('ReferralClosed', referral.id);
    expect(closedEvent.data).toMatchObject({ ...ref, result: 'follow_up_financial' });
    // The team's notes stay here: events are thin.
    expect(JSON.stringify(closedEvent.data)).not.toContain('Budgetcoach');

    // History is append-only in the database itself.
    await expect(
      referrals.app.pool.query('UPDATE referral_history SET code = NULL WHERE referral_id = $1', [referral.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('when an action does not fit the status, then 409 names the status and the allowed actions, and nothing is published', async () => {
    const { data } = await referrals.decide();
    const referral = await referrals.referralOf(data.decisionId);
    const token = await referrals.teamToken(data.teamId);
    const early = await expectStatus(act(data.teamId, referral.id, 'close', token, { result: 'quick_fix' }), 409);
    expect(early.headers['content-type']).toContain('application/problem+json');
    expect(early.json()).toMatchObject({
      code: 'REFERRAL_TRANSITION_NOT_ALLOWED',
      currentStatus: 'routed',
      allowedActions: ['accept', 'decline', 'transfer'],
    });
    await expectStatus(act(data.teamId, referral.id, 'decline', token, { reason: 'no_capacity' }), 200);
    expect((await referrals.event('ReferralDeclined', referral.id)).data).toMatchObject({ reason: 'no_capacity' });
    const late = (await expectStatus(act(data.teamId, referral.id, 'accept', token), 409)).json();
    expect(late).toMatchObject({ currentStatus: 'declined', allowedActions: [] });
    expect(referrals.published.filter((event) => event.key === referral.id).map((event) => event.type)).toEqual([
      'nl.vangnet.referrals.ReferralDeclined.v1',
    ]);
  });

  it('when two members accept and decline at the same moment, then exactly one wins and the other gets 409', async () => {
    const { data } = await referrals.decide();
    const referral = await referrals.referralOf(data.decisionId);
    const token = await referrals.teamToken(data.teamId);
    const answers = await Promise.all([
      act(data.teamId, referral.id, 'accept', token),
      act(data.teamId, referral.id, 'decline', token, { reason: 'no_capacity' }),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    const history = await referrals.app.prisma.referralHistory.findMany({ where: { referralId: referral.id } });
    expect(history.map((entry) => entry.action)).toHaveLength(2);
  });

  it('when another team asks for a referral or acts on it, then it does not exist for them (404); their own inbox of another team is 403', async () => {
    const { data } = await referrals.decide();
    const referral = await referrals.referralOf(data.decisionId);
    const stranger = randomUUID();
    const strangerToken = await referrals.teamToken(stranger);
    await expectStatus(referrals.request('GET', `/v1/teams/${stranger}/referrals/${referral.id}`, strangerToken), 404);
    await expectStatus(act(stranger, referral.id, 'accept', strangerToken), 404);
    await expectStatus(inbox(data.teamId, strangerToken), 404);
    expect((await referrals.app.prisma.referral.findUnique({ where: { id: referral.id } }))?.status).toBe('routed');
  });

  it('when bodies carry unknown fields, bad codes or too long notes, then 400 lists every invalid field; a rule of the domain is 422', async () => {
    const { data } = await referrals.decide();
    const referral = await referrals.referralOf(data.decisionId);
    const token = await referrals.teamToken(data.teamId);
    const declined = (
      await expectStatus(act(data.teamId, referral.id, 'decline', token, { reason: 'busy', why: 'x' }), 400)
    ).json();
    expect(declined.errors.map((error: { pointer: string; code: string }) => [error.pointer, error.code])).toEqual(
      expect.arrayContaining([
        ['/reason', 'invalid_value'],
        ['/why', 'unknown_field'],
      ]),
    );
    await expectStatus(act(data.teamId, referral.id, 'accept', token), 200);
    // No contact attempt yet: a result that implies contact is refused, naming the field.
    const noContact = await expectStatus(act(data.teamId, referral.id, 'close', token, { result: 'quick_fix' }), 422);
    expect(noContact.json()).toMatchObject({
      code: 'CLOSING_RESULT_NEEDS_CONTACT',
      errors: [expect.objectContaining({ pointer: '/result', code: 'needs_contact' })],
    });
    const tooLong = await expectStatus(
      act(data.teamId, referral.id, 'close', token, { result: 'quick_fix', notes: 'x'.repeat(2001) }),
      400,
    );
    expect(tooLong.json().errors).toEqual([expect.objectContaining({ pointer: '/notes' })]);
    const nul = await expectStatus(
      act(data.teamId, referral.id, 'close', token, { result: 'repeat', notes: 'Bel\u0000 terug' }),
      400,
    );
    expect(nul.json().errors).toEqual([expect.objectContaining({ pointer: '/notes' })]);
    const future = await expectStatus(
      act(data.teamId, referral.id, 'contact-attempts', token, {
        channel: 'letter',
        date: '2099-01-01',
        partOfDay: 'morning',
        reached: false,
      }),
      422,
    );
    expect(future.json()).toMatchObject({
      code: 'CONTACT_DATE_IN_FUTURE',
      errors: [expect.objectContaining({ pointer: '/date', code: 'in_future' })],
    });
  });
});

describe('transfer to another team, through the router', () => {
  it('when the team transfers, then ReferralTransferred reserves the new id, and the router’s decision carrying it becomes the new team’s referral', async () => {
    const municipality = uniqueMunicipality();
    const from = await referrals.team(municipality);
    const to = await referrals.team(municipality);
    const elsewhere = await referrals.team(uniqueMunicipality());
    const { data } = await referrals.decide({ teamId: from });
    const referral = await referrals.referralOf(data.decisionId);
    const token = await referrals.teamToken(from);

    const refused = await expectStatus(act(from, referral.id, 'transfer', token, { toTeamId: elsewhere }), 422);
    expect(refused.json()).toMatchObject({ code: 'TRANSFER_OTHER_MUNICIPALITY' });
    await expectStatus(act(from, referral.id, 'transfer', token, { toTeamId: randomUUID() }), 422);

    const transferred = (await expectStatus(act(from, referral.id, 'transfer', token, { toTeamId: to }), 200)).json();
    expect(transferred.status).toBe('transferred');
    const event = await referrals.event('ReferralTransferred', referral.id);
    expect(event.data).toMatchObject({ toTeamId: to, newReferralId: transferred.newReferralId, transferredBy: 'team' });

    // What networks answers: a routing decision for the new team carrying the reserved id.
    const rerouted = await referrals.decide({
      item: data.item,
      teamId: to,
      attempt: 2,
      excludedTeamIds: [from],
      referralId: transferred.newReferralId,
    });
    const created = await referrals.referralOf(rerouted.data.decisionId);
    expect(created.id).toBe(transferred.newReferralId);
    const theirs = (
      await expectStatus(
        referrals.request('GET', `/v1/teams/${to}/referrals/${created.id}`, await referrals.teamToken(to)),
        200,
      )
    ).json();
    expect(theirs).toMatchObject({ status: 'routed', item: data.item, attempt: 2 });
    // The old team no longer holds it.
    await expectStatus(referrals.request('GET', `/v1/teams/${from}/referrals/${created.id}`, token), 404);
    // Back to the team that had it: the router would refuse, so referrals says so at once.
    const back = await expectStatus(
      act(to, created.id, 'transfer', await referrals.teamToken(to), { toTeamId: from }),
      422,
    );
    expect(back.json()).toMatchObject({
      code: 'TRANSFER_TEAM_HAD_ITEM',
      errors: [expect.objectContaining({ pointer: '/toTeamId' })],
    });
  });

  it('when the coordinator of the municipality transfers, then the event says so; a coordinator of another municipality sees nothing', async () => {
    const municipality = uniqueMunicipality();
    const from = await referrals.team(municipality);
    const to = await referrals.team(municipality);
    const { data } = await referrals.decide({ teamId: from });
    const referral = await referrals.referralOf(data.decisionId);
    const coordinator = await referrals.coordinatorToken(municipality);
    expect((await expectStatus(inbox(from, coordinator), 200)).json().items).toHaveLength(1);
    await expectStatus(inbox(from, await referrals.coordinatorToken(uniqueMunicipality())), 404);
    await expectStatus(act(from, referral.id, 'transfer', coordinator, { toTeamId: to }), 200);
    expect((await referrals.event('ReferralTransferred', referral.id)).data).toMatchObject({
      transferredBy: 'coordinator',
    });
  });
});

describe('the inbox list', () => {
  it('pages with a cursor in every sort order, and filters by status, deadline, urgency and neighbourhood', async () => {
    const teamId = randomUUID();
    const token = await referrals.teamToken(teamId);
    const deadlines = ['2026-12-07', '2026-12-03', '2026-12-09', '2026-12-01', '2026-12-03'];
    const made = [];
    for (const [index, deadline] of deadlines.entries()) {
      const { data } = await referrals.decide({
        teamId,
        deadline,
        escalatesOn: '2026-12-31',
        neighbourhoodCode: index === 2 ? 'BU99010102' : 'BU99010101',
      });
      made.push(await referrals.referralOf(data.decisionId));
    }
    const crisisCase = made[0]?.itemId as string;
    await openCrisisCase(crisisCase);
    await waitFor(
      'the crisis urgency on the referral',
      async () =>
        (await referrals.app.prisma.referral.findFirst({ where: { itemId: crisisCase, urgency: 'crisis' } })) ??
        undefined,
    );
    await expectStatus(act(teamId, made[1]?.id as string, 'accept', token), 200);

    const all = async (sort: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = (
          await expectStatus(inbox(teamId, token, `?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`), 200)
        ).json();
        ids.push(...page.items.map((item: { id: string }) => item.id));
        cursor = page.next;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      return ids;
    };
    const created = made.map((referral) => referral.id);
    const byDeadline = [...made]
      .sort((a, b) => a.deadline.getTime() - b.deadline.getTime() || a.id.localeCompare(b.id))
      .map((referral) => referral.id);
    expect(await all('created_asc')).toEqual(created);
    expect(await all('created_desc')).toEqual([...created].reverse());
    expect(await all('deadline_asc')).toEqual(byDeadline);
    expect(await all('deadline_desc')).toEqual([...byDeadline].reverse());

    const ids = async (query: string) =>
      (await expectStatus(inbox(teamId, token, query), 200)).json().items.map((item: { id: string }) => item.id);
    expect(await ids('?status=accepted')).toEqual([made[1]?.id]);
    expect((await ids('?status=routed,accepted')).length).toBe(5);
    expect(new Set(await ids('?deadlineBefore=2026-12-04'))).toEqual(new Set([made[1]?.id, made[3]?.id, made[4]?.id]));
    expect(await ids('?urgency=crisis')).toEqual([made[0]?.id]);
    expect(await ids('?neighbourhood=BU99010102')).toEqual([made[2]?.id]);

    const firstPage = (await expectStatus(inbox(teamId, token, '?sort=deadline_asc&limit=2'), 200)).json();
    const wrongSort = await expectStatus(inbox(teamId, token, `?sort=created_desc&cursor=${firstPage.next}`), 422);
    expect(wrongSort.json()).toMatchObject({
      code: 'INVALID_CURSOR',
      errors: [expect.objectContaining({ in: 'querystring', pointer: '/cursor' })],
    });
    const bad = await expectStatus(inbox(teamId, token, '?status=lost&limit=1000&colour=red'), 400);
    expect(bad.json().errors.map((error: { pointer: string }) => error.pointer)).toEqual(
      expect.arrayContaining(['/status', '/limit', '/colour']),
    );
  });
});

describe('the API description', () => {
  it('lists the inbox, action and GP endpoints in the OpenAPI document', async () => {
    const document = (await expectStatus(referrals.app.inject({ method: 'GET', url: '/v1/openapi.json' }), 200)).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/teams/{teamId}/referrals',
        '/teams/{teamId}/referrals/{referralId}',
        '/teams/{teamId}/referrals/{referralId}/subject',
        '/teams/{teamId}/referrals/{referralId}/accept',
        '/teams/{teamId}/referrals/{referralId}/decline',
        '/teams/{teamId}/referrals/{referralId}/transfer',
        '/teams/{teamId}/referrals/{referralId}/contact-attempts',
        '/teams/{teamId}/referrals/{referralId}/close',
        '/teams/{teamId}/notices',
        '/referrals',
        '/referrals/{referralId}',
      ]),
    );
  });
});

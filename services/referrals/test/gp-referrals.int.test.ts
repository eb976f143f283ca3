import { randomUUID } from 'node:crypto';
import { RoutingFailedV1 } from '@vangnet/contracts/networks';
import { outboxMessage } from '@vangnet/messaging/outbox';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, gpReferral, type Harness, startReferrals, uniqueMunicipality } from './harness.ts';

let referrals: Harness;

beforeAll(async () => {
  referrals = await startReferrals();
});

afterAll(async () => {
  await referrals?.close();
});

const refer = (token: string, body: unknown) => referrals.request('POST', '/v1/referrals', token, body);
const statusOf = async (id: string, token: string) =>
  (await expectStatus(referrals.request('GET', `/v1/referrals/${id}`, token), 200)).json();
const act = (teamId: string, referralId: string, action: string, token: string, body?: unknown) =>
  referrals.request('POST', `/v1/teams/${teamId}/referrals/${referralId}/${action}`, token, body);
const subject = (teamId: string, referralId: string, token: string) =>
  referrals.request('GET', `/v1/teams/${teamId}/referrals/${referralId}/subject`, token);

describe('a GP refers a patient to a welfare coach', () => {
  it('when the patient consented, then the referral is taken in and ReferralRequested goes to the router with codes only', async () => {
    const practiceId = `gp-${randomUUID()}`;
    const gp = await referrals.gpToken(practiceId, 'GM9901');
    const body = gpReferral();
    const created = await expectStatus(refer(gp, body), 201);
    const referral = created.json();
    expect(created.headers.location).toBe(`/v1/referrals/${referral.id}`);
    expect(referral).toMatchObject({
      status: 'received',
      urgency: 'regular',
      ageBand: '67_and_over',
      reference: body.reference,
    });

    const event = await waitFor('ReferralRequested on the broker', async () =>
      referrals.published.find(
        (candidate) => candidate.type === 'nl.vangnet.referrals.ReferralRequested.v1' && candidate.key === referral.id,
      ),
    );
    expect(event.data).toEqual({
      requestId: referral.id,
      municipalityCode: 'GM9901',
      // The practice (an organisation), so networks can queue an unmapped address for its municipality.
      partnerId: practiceId,
      postcode: '9901AB',
      houseNumber: 3,
      ageBand: '67_and_over',
      urgency: 'regular',
      concernCodes: ['loneliness', 'lack_of_daily_structure'],
      requestedAt: expect.any(String),
    });
    // Thin: no name, phone, birth date or the GP's note on the broker.
    for (const personal of ['Jansen', '612345678', '1950-03-14', 'alleen', 'Boer']) {
      expect(JSON.stringify(event)).not.toContain(personal);
    }

    const again = await expectStatus(refer(gp, body), 200);
    expect(again.json().id).toBe(referral.id);
  });

  it.each([
    ['no consent', { consent: undefined }, '/consent'],
    [
      'a refused consent',
      {
        consent: {
          given: false,
          recordedBy: 'Dr. de Boer',
          recordedAt: new Date().toISOString(),
          purposes: ['referral_to_welfare_coach', 'share_with_team'],
        },
      },
      '/consent/given',
    ],
    [
      'no consent to share the details with the team',
      {
        consent: {
          given: true,
          recordedBy: 'Dr. de Boer',
          recordedAt: new Date(Date.now() - 60_000).toISOString(),
          purposes: ['referral_to_welfare_coach', 'feedback_to_referrer'],
        },
      },
      '/consent/purposes',
    ],
  ])(
    'when the referral has %s, then 422 REFERRAL_CONSENT_REQUIRED and nothing is stored or published',
    async (_, overrides, pointer) => {
      const body = gpReferral(overrides);
      const refused = await expectStatus(refer(await referrals.gpToken(), body), 422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({
        code: 'REFERRAL_CONSENT_REQUIRED',
        errors: [expect.objectContaining({ pointer })],
      });
      const { rows } = await referrals.app.pool.query('SELECT 1 FROM referral_request WHERE reference = $1', [
        body.reference,
      ]);
      expect(rows).toHaveLength(0);
    },
  );

  it('when the patient’s date of birth lies ahead, then 422 REFERRAL_INVALID names it and nothing is stored', async () => {
    const base = gpReferral();
    const body = { ...base, patient: { ...base.patient, dateOfBirth: '2099-01-01' } };
    const refused = await expectStatus(refer(await referrals.gpToken(), body), 422);
    expect(refused.json()).toMatchObject({
      code: 'REFERRAL_INVALID',
      errors: [expect.objectContaining({ pointer: '/patient/dateOfBirth', code: 'in_future' })],
    });
    const { rows } = await referrals.app.pool.query('SELECT 1 FROM referral_request WHERE reference = $1', [
      body.reference,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('when the body has unknown fields, too many codes, too long text or is too large, then it is refused listing every field', async () => {
    const gp = await referrals.gpToken();
    const base = gpReferral();
    const invalid = await expectStatus(
      refer(gp, {
        ...base,
        bsn: '123456782',
        patient: { ...base.patient, givenName: 'x'.repeat(101) },
        concern: { codes: Array(11).fill('loneliness'), icpc: 'A01' },
      }),
      400,
    );
    expect(invalid.json().errors.map((error: { pointer: string }) => error.pointer)).toEqual(
      expect.arrayContaining(['/bsn', '/patient/givenName', '/concern/codes', '/concern/icpc']),
    );
    // Control characters: a NUL cannot be stored; each field is named, line breaks stay allowed in the note.
    const control = await expectStatus(
      refer(gp, {
        ...base,
        reference: 'WOR-\u0000-1',
        patient: { ...base.patient, givenName: 'Jan\u0007', familyName: 'Jan\u0000sen' },
        concern: { ...base.concern, note: 'Woont alleen.\nSinds kort\u001b.' },
        referrer: { ...base.referrer, name: 'Dr.\u000bde Boer' },
        consent: { ...base.consent, recordedBy: 'Dr. de\u0000Boer' },
      }),
      400,
    );
    expect(control.json().errors.map((error: { pointer: string }) => error.pointer)).toEqual(
      expect.arrayContaining([
        '/reference',
        '/patient/givenName',
        '/patient/familyName',
        '/concern/note',
        '/referrer/name',
        '/consent/recordedBy',
      ]),
    );
    await expectStatus(
      refer(gp, { ...base, concern: { ...base.concern, note: 'Woont alleen.\r\n\tSinds kort.' } }),
      201,
    );
    const huge = await refer(gp, { ...base, concern: { ...base.concern, note: 'x'.repeat(40_000) } });
    expect(huge.statusCode).toBe(413);
    await expectStatus(refer(await referrals.teamToken(randomUUID()), base), 403);
  });
});

describe('the closed loop back to the GP, and who sees the patient', () => {
  it('when a team takes the referral, then the GP sees routed, accepted, first contact and the outcome; only the holding team sees the details', async () => {
    const practice = `gp-${randomUUID()}`;
    const gp = await referrals.gpToken(practice);
    const request = (await expectStatus(refer(gp, gpReferral()), 201)).json();
    const teamId = randomUUID();
    const team = await referrals.teamToken(teamId);
    const { data } = await referrals.decide({ item: { kind: 'referral_request', id: request.id }, teamId });
    const referral = await referrals.referralOf(data.decisionId);
    expect(referral.urgency).toBe('regular');
    expect((await statusOf(request.id, gp)).status).toBe('routed');

    // Another practice, and a team, learn nothing of it.
    await expectStatus(referrals.request('GET', `/v1/referrals/${request.id}`, await referrals.gpToken()), 404);

    const details = (await expectStatus(subject(teamId, referral.id, team), 200)).json();
    expect(details).toMatchObject({
      requestId: request.id,
      patient: { familyName: 'Jansen', phone: '+31612345678', address: { postcode: '9901AB', houseNumber: 3 } },
      concern: { codes: ['loneliness', 'lack_of_daily_structure'], icpc: 'Z68' },
      consent: { recordedBy: 'Dr. de Boer' },
    });
    const stranger = randomUUID();
    await expectStatus(subject(stranger, referral.id, await referrals.teamToken(stranger)), 404);
    const { rows: reads } = await referrals.app.pool.query(
      'SELECT organisation_kind, organisation_id, action FROM subject_access WHERE request_id = $1',
      [request.id],
    );
    expect(reads).toEqual([{ organisation_kind: 'team', organisation_id: teamId, action: 'read_subject' }]);

    referrals.setNow(new Date());
    await expectStatus(act(teamId, referral.id, 'accept', team), 200);
    expect(await statusOf(request.id, gp)).toMatchObject({ status: 'accepted', acceptedAt: expect.any(String) });
    const today = new Date().toISOString().slice(0, 10);
    await expectStatus(
      act(teamId, referral.id, 'contact-attempts', team, {
        channel: 'phone',
        date: today,
        partOfDay: 'afternoon',
        reached: true,
      }),
      201,
    );
    expect(await statusOf(request.id, gp)).toMatchObject({
      status: 'first_contact_made',
      firstContactAt: expect.any(String),
    });
    await expectStatus(act(teamId, referral.id, 'close', team, { result: 'follow_up_non_financial' }), 200);
    expect(await statusOf(request.id, gp)).toMatchObject({
      status: 'closed',
      outcome: 'follow_up_non_financial',
      closedAt: expect.any(String),
    });

    // The work is over: the team no longer sees the patient.
    await expectStatus(subject(teamId, referral.id, team), 404);
  });

  it('when the patient did not consent to feedback, then the GP sees only received, even after the team closed it', async () => {
    const gp = await referrals.gpToken();
    const body = gpReferral({
      consent: {
        given: true,
        recordedBy: 'Dr. de Boer',
        recordedAt: new Date(Date.now() - 60_000).toISOString(),
        purposes: ['referral_to_welfare_coach', 'share_with_team'],
      },
    });
    const request = (await expectStatus(refer(gp, body), 201)).json();
    expect(request.status).toBe('received');
    const teamId = randomUUID();
    const team = await referrals.teamToken(teamId);
    const { data } = await referrals.decide({ item: { kind: 'referral_request', id: request.id }, teamId });
    const referral = await referrals.referralOf(data.decisionId);
    referrals.setNow(new Date());
    await expectStatus(act(teamId, referral.id, 'accept', team), 200);
    await expectStatus(act(teamId, referral.id, 'close', team, { result: 'referred_without_contact' }), 200);

    const view = await statusOf(request.id, gp);
    expect(view.status).toBe('received');
    expect(view).not.toHaveProperty('outcome');
    expect(view).not.toHaveProperty('acceptedAt');
    expect(view).not.toHaveProperty('closedAt');
    // A resend with the same reference tells no more.
    expect((await expectStatus(refer(gp, body), 200)).json().status).toBe('received');
  });

  it('when a request taken in before the rule lacks consent to share with the team, then the team does not see the details', async () => {
    const request = (await expectStatus(refer(await referrals.gpToken(), gpReferral()), 201)).json();
    await referrals.app.pool.query(
      `UPDATE referral_request SET consent_purposes = ARRAY['referral_to_welfare_coach'] WHERE id = $1`,
      [request.id],
    );
    const teamId = randomUUID();
    const { data } = await referrals.decide({ item: { kind: 'referral_request', id: request.id }, teamId });
    const referral = await referrals.referralOf(data.decisionId);
    await expectStatus(subject(teamId, referral.id, await referrals.teamToken(teamId)), 404);
  });

  it('when the router refuses a transfer, then the GP sees the coordinator has it and the old referral’s history says why', async () => {
    const gp = await referrals.gpToken();
    const request = (await expectStatus(refer(gp, gpReferral()), 201)).json();
    const municipality = uniqueMunicipality();
    const from = await referrals.team(municipality);
    const to = await referrals.team(municipality);
    const item = { kind: 'referral_request' as const, id: request.id };
    const { data } = await referrals.decide({ item, teamId: from });
    const referral = await referrals.referralOf(data.decisionId);
    const token = await referrals.teamToken(from);
    await expectStatus(act(from, referral.id, 'transfer', token, { toTeamId: to }), 200);
    expect((await statusOf(request.id, gp)).status).toBe('routed');

    // What networks answers when it may not give the item to that team.
    await referrals.publish(
      outboxMessage(
        RoutingFailedV1,
        {
          decisionId: randomUUID(),
          item,
          reason: 'transfer_refused',
          explanation: 'The team is not active',
          decidedAt: new Date().toISOString(),
        },
        { source: 'urn:nld:oin:00000000000000000000:systeem:test' },
      ),
    );
    const handed = await waitFor('the GP sees the coordinator has it', async () => {
      const view = await statusOf(request.id, gp);
      return view.status === 'with_coordinator' ? view : undefined;
    });
    expect(JSON.stringify(handed)).not.toMatch(/transfer_refused|not active/);
    const coordinator = await referrals.coordinatorToken(municipality);
    const detail = (
      await expectStatus(referrals.request('GET', `/v1/teams/${from}/referrals/${referral.id}`, coordinator), 200)
    ).json();
    expect(detail.history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'routing_failed', code: 'transfer_refused', actorKind: 'router' }),
      ]),
    );
  });

  it('when the team declines, then it loses the details; when no team is left, then the GP sees the coordinator has it', async () => {
    const gp = await referrals.gpToken();
    const request = (await expectStatus(refer(gp, gpReferral()), 201)).json();
    const teamId = randomUUID();
    const team = await referrals.teamToken(teamId);
    const { data } = await referrals.decide({ item: { kind: 'referral_request', id: request.id }, teamId });
    const referral = await referrals.referralOf(data.decisionId);
    await expectStatus(subject(teamId, referral.id, team), 200);
    await expectStatus(act(teamId, referral.id, 'decline', team, { reason: 'not_our_specialism' }), 200);
    await expectStatus(subject(teamId, referral.id, team), 404);
    expect((await statusOf(request.id, gp)).status).toBe('routed');

    await referrals.publish(
      outboxMessage(
        RoutingFailedV1,
        {
          decisionId: randomUUID(),
          item: { kind: 'referral_request', id: request.id },
          reason: 'no_team_left',
          explanation: 'Every team that fits had it',
          decidedAt: new Date().toISOString(),
        },
        { source: 'urn:nld:oin:00000000000000000000:systeem:test' },
      ),
    );
    const handed = await waitFor('the GP sees the coordinator has it', async () => {
      const view = await statusOf(request.id, gp);
      return view.status === 'with_coordinator' ? view : undefined;
    });
    expect(handed.handedToCoordinatorAt).toEqual(expect.any(String));
    expect(JSON.stringify(handed)).not.toContain('not_our_specialism');
  });
});

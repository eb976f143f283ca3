import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personKey } from '../src/features/receive-signal/rules.ts';
import { daysAgo, energySignal, rentSignal, startSignals, uniqueAddress } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  // A municipality with a threshold of 100 euro and a matching period of 2 months: both settings must be read.
  signals = await startSignals({ SIGNAL_THRESHOLD_EUROS: '100', CASE_MATCHING_PERIOD_MONTHS: '2' });
});

afterAll(async () => {
  await signals?.close();
});

const outboxFor = async (caseId: string) =>
  (
    await signals.app.pool.query(
      `SELECT headers->>'ce_type' AS type, payload FROM outbox WHERE message_key = $1 ORDER BY position`,
      [caseId],
    )
  ).rows as { type: string; payload: Record<string, unknown> }[];

describe('household cases', () => {
  it('when a landlord and an energy supplier signal the same door, then both signals share one case: CaseOpened then CaseSignalAdded', async () => {
    const address = uniqueAddress();
    const first = (await signals.post(rentSignal(address), await signals.token('landlord'))).json();
    const second = (
      await signals.post(
        energySignal({ ...address, postcode: address.postcode.toLowerCase() }),
        await signals.token('energy'),
      )
    ).json();

    expect(second.caseId).toBe(first.caseId);
    const events = await outboxFor(first.caseId);
    expect(events.map((event) => event.type)).toEqual([
      'nl.vangnet.signals.CaseOpened.v1',
      'nl.vangnet.signals.CaseSignalAdded.v1',
    ]);
    expect(events[1]?.payload).toMatchObject({ signalId: second.id, signalKind: 'energy', amountBand: 'under_500' });
  });

  it("when the household's case had its last signal before the matching period, then a new case opens", async () => {
    const address = uniqueAddress();
    const first = (await signals.post(rentSignal(address), await signals.token('landlord'))).json();
    await signals.app.pool.query(
      `UPDATE household_case SET last_signal_at = now() - interval '2 months 1 day' WHERE id = $1`,
      [first.caseId],
    );
    const second = (await signals.post(energySignal(address), await signals.token('energy'))).json();
    expect(second.caseId).not.toBe(first.caseId);
  });

  it('when ten signals for one new household arrive at once, then they open exactly one case', async () => {
    const address = uniqueAddress();
    const responses = await Promise.all(
      Array.from({ length: 10 }, async () => signals.post(energySignal(address), await signals.token('energy'))),
    );
    const caseIds = new Set(responses.map((response) => response.json().caseId));
    expect(caseIds.size).toBe(1);
    const opened = (await outboxFor([...caseIds][0])).filter((event) => event.type.endsWith('CaseOpened.v1'));
    expect(opened).toHaveLength(1);
  });
});

describe('single signals that arrive together', () => {
  it('when thirty signals of one landlord arrive at once, then they go in together and each is answered for itself', async () => {
    const token = await signals.token('landlord');
    const traceIds = Array.from({ length: 30 }, () => randomUUID().replaceAll('-', ''));
    const bodies = traceIds.map(() => rentSignal());
    const twice = bodies[7] as ReturnType<typeof rentSignal>;
    // The tenant objected: refused with its own code, whatever the others in its chunk.
    const refused = { ...rentSignal(), preconditions: { ...rentSignal().preconditions, tenantObjected: true } };
    const sent = [...bodies, { ...twice }, refused];
    const responses = await Promise.all(
      sent.map((body, index) =>
        signals.request('POST', '/v1/signals', token, body, {
          traceparent: `00-${traceIds[index % traceIds.length]}-${'1'.repeat(16)}-01`,
        }),
      ),
    );

    expect(responses.slice(0, 30).map((response) => response.statusCode)).toEqual(Array(30).fill(201));
    const resent = responses[30];
    expect(resent?.statusCode).toBe(200);
    expect(resent?.json().id).toBe(responses[7]?.json().id);
    expect(responses[31]?.statusCode).toBe(422);
    expect(responses[31]?.json().code).toBe('SIGNAL_TENANT_OBJECTED');

    const ids = responses.slice(0, 30).map((response) => response.json().id as string);
    const { rows } = await signals.app.pool.query<{ id: string; case_id: string; tx: string }>(
      'SELECT id, case_id, xmin::text AS tx FROM signal WHERE id = ANY($1::uuid[])',
      [ids],
    );
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((row) => row.case_id)).size).toBe(30);
    // Rows written by one transaction share its id: fewer transactions than signals is the group commit.
    expect(new Set(rows.map((row) => row.tx)).size).toBeLessThan(30);
    for (const response of responses.slice(0, 30)) {
      const events = await outboxFor(response.json().caseId);
      expect(events.map((event) => event.type)).toEqual(['nl.vangnet.signals.CaseOpened.v1']);
    }
    const traces = await signals.app.pool.query<{ case_id: string; traceparent: string }>(
      `SELECT message_key AS case_id, headers->>'traceparent' AS traceparent FROM outbox WHERE message_key = ANY($1)`,
      [responses.slice(0, 30).map((response) => response.json().caseId as string)],
    );
    for (const [index, response] of responses.slice(0, 30).entries()) {
      const row = traces.rows.find((candidate) => candidate.case_id === response.json().caseId);
      expect(row?.traceparent).toContain(traceIds[index]);
    }
  });
});

describe('the same person where known', () => {
  const person = (familyName: string, dateOfBirth: string) => ({ givenName: 'Anna', familyName, dateOfBirth });

  it('when a known person is signalled at another address, then the signal joins their open case', async () => {
    // No other test of this file gives a birth date: the person key is this test's alone.
    const dateOfBirth = '1980-04-02';
    const rent = { ...rentSignal(), subject: person('de Vries', dateOfBirth) };
    const first = (await signals.post(rent, await signals.token('landlord'))).json();
    // The energy supplier spells the name its own way and knows a second address.
    const power = { ...energySignal(), subject: person('De  Vriës', dateOfBirth) };
    const second = (await signals.post(power, await signals.token('energy'))).json();
    expect(second.caseId).toBe(first.caseId);
    expect((await outboxFor(first.caseId)).map((event) => event.type)).toEqual([
      'nl.vangnet.signals.CaseOpened.v1',
      'nl.vangnet.signals.CaseSignalAdded.v1',
    ]);
  });

  it('when only the name matches, or the birth date or given name is unknown, then another address opens its own case', async () => {
    const rent = { ...rentSignal(), subject: person('Jansen', '1975-02-03') };
    const first = (await signals.post(rent, await signals.token('landlord'))).json();
    const otherPerson = { ...energySignal(), subject: person('Jansen', '1990-12-31') };
    const unknownBirth = { ...energySignal(), subject: { givenName: 'Anna', familyName: 'Jansen' } };
    const unknownGivenName = { ...energySignal(), subject: { familyName: 'Jansen', dateOfBirth: '1975-02-03' } };
    const energy = await signals.token('energy');
    expect((await signals.post(otherPerson, energy)).json().caseId).not.toBe(first.caseId);
    expect((await signals.post(unknownBirth, energy)).json().caseId).not.toBe(first.caseId);
    expect((await signals.post(unknownGivenName, energy)).json().caseId).not.toBe(first.caseId);
  });

  it('when adult twins (one family name, one birth date) live at two addresses, then each has their own case', async () => {
    const dateOfBirth = '1988-08-08';
    const anna = { ...rentSignal(), subject: { givenName: 'Anna', familyName: 'Smit', dateOfBirth } };
    const eva = { ...energySignal(), subject: { givenName: 'Eva', familyName: 'Smit', dateOfBirth } };
    const annasCase = (await signals.post(anna, await signals.token('landlord'))).json().caseId;
    const evasCase = (await signals.post(eva, await signals.token('energy'))).json().caseId;
    expect(evasCase).not.toBe(annasCase);
    // Anna's second given name, as another partner records it, is still Anna.
    const annaAgain = { ...energySignal(), subject: { givenName: 'Anna Maria', familyName: 'smit', dateOfBirth } };
    expect((await signals.post(annaAgain, await signals.token('energy'))).json().caseId).toBe(annasCase);
  });

  it("when a file carries the person at two addresses, then both rows join one case, and their twin's row does not", async () => {
    const dateOfBirth = '1966-06-16';
    const familyName = 'Bakker';
    const [a, b, c] = [uniqueAddress(), uniqueAddress(), uniqueAddress()];
    const csv = [
      'type;reference;given_name;family_name;date_of_birth;postcode;house_number;arrears_amount;arrears_since',
      `energy;E-${randomUUID()};Piet;${familyName};${dateOfBirth};${a.postcode};${a.houseNumber};240;${daysAgo(45)}`,
      `energy;E-${randomUUID()};piet;${familyName.toUpperCase()};${dateOfBirth};${b.postcode};${b.houseNumber};300;${daysAgo(45)}`,
      // His twin brother at a third address is another person.
      `energy;E-${randomUUID()};Kees;${familyName};${dateOfBirth};${c.postcode};${c.houseNumber};300;${daysAgo(45)}`,
    ].join('\n');
    const partnerId = `energy-${randomUUID()}`;
    const token = await signals.token('energy', partnerId);
    const response = await signals.postFile(csv, token);
    expect(response.statusCode).toBe(202);
    await waitFor('the file is taken in', async () => {
      const { rows } = await signals.app.pool.query(`SELECT status FROM signal_file WHERE id = $1`, [
        response.json().id,
      ]);
      return rows[0]?.status === 'completed' ? true : undefined;
    });
    const { rows } = await signals.app.pool.query(
      'SELECT subject_given_name AS name, case_id FROM signal WHERE partner_id = $1 ORDER BY subject_given_name',
      [partnerId],
    );
    const caseOf = (name: string) => rows.filter((row) => row.name === name).map((row) => row.case_id);
    expect(new Set(caseOf('Piet').concat(caseOf('piet'))).size).toBe(1);
    expect(caseOf('Kees')).toHaveLength(1);
    expect(caseOf('Piet')).not.toContain(caseOf('Kees')[0]);
  });
});

describe('migration 20261129050000_person_key_given_name', () => {
  it('recomputes every stored person key exactly as personKey() does, and drops it without a given name', async () => {
    const subjects = [
      { givenName: 'Anna', familyName: 'Dë  Vriës', dateOfBirth: '1971-01-01' },
      { givenName: ' ánna maria ', familyName: 'van der Berg', dateOfBirth: '1971-01-01' },
      { givenName: 'Jean-Luc', familyName: 'Ångström', dateOfBirth: '1971-01-01' },
      { givenName: 'Thị', familyName: 'Nguyễn', dateOfBirth: '1971-01-01' },
      { givenName: 'Søren', familyName: 'Østergaard', dateOfBirth: '1971-01-01' },
      { givenName: 'Ĳsbrand', familyName: 'ZOË', dateOfBirth: '1971-01-01' },
      { givenName: '.', familyName: 'Jansen', dateOfBirth: '1971-01-01' },
      { familyName: 'Jansen', dateOfBirth: '1971-01-01' },
    ];
    const token = await signals.token('energy');
    const ids: string[] = [];
    for (const subject of subjects) {
      const response = await signals.post({ ...energySignal(), subject }, token);
      expect(response.statusCode).toBe(201);
      ids.push(response.json().id);
    }
    // As the previous migration left them: family name and birth date only.
    await signals.app.pool.query(`UPDATE signal SET person_key = 'old|key' WHERE id = ANY($1::uuid[])`, [ids]);
    const migration = path.join(
      import.meta.dirname,
      '..',
      'prisma',
      'migrations',
      '20261129050000_person_key_given_name',
      'migration.sql',
    );
    await signals.app.pool.query(await readFile(migration, 'utf8'));
    const { rows } = await signals.app.pool.query(
      'SELECT id::text, person_key FROM signal WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const stored = new Map(rows.map((row) => [row.id, row.person_key]));
    expect(ids.map((id) => stored.get(id))).toEqual(subjects.map((subject) => personKey(subject)));
    expect(subjects.map((subject) => personKey(subject)).filter((key) => key === null)).toHaveLength(2);
  });
});

describe('threshold and repeat rule', () => {
  it('when arrears are under the configured threshold, then the signal is accepted, closed unjustified and nothing is published', async () => {
    const response = await signals.post(rentSignal(uniqueAddress(), 99.99), await signals.token('landlord'));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.status).toBe('unjustified');
    expect(body.caseId).toBeUndefined();
    const { rows } = await signals.app.pool.query('SELECT status, closing_result FROM signal WHERE id = $1', [body.id]);
    expect(rows[0]).toEqual({ status: 'closed', closing_result: 'unjustified' });
  });

  it('when the same landlord signals the same household again without higher arrears, then it is a repeat; when they rose, it joins the case', async () => {
    const token = await signals.token('landlord');
    const address = uniqueAddress();
    const first = (await signals.post(rentSignal(address, 500), token)).json();
    const repeat = (await signals.post(rentSignal(address, 500), token)).json();
    const rose = (await signals.post(rentSignal(address, 650), token)).json();

    expect(repeat).toMatchObject({ status: 'repeat' });
    expect(repeat.caseId).toBeUndefined();
    expect(rose).toMatchObject({ status: 'in_progress', caseId: first.caseId });
    expect(
      (await outboxFor(first.caseId)).map((event) => event.payload.signalId ?? event.payload.firstSignalId),
    ).toEqual([first.id, rose.id]);
  });

  it('when an energy supplier announces a disconnection on small, young arrears, then it is a crisis case', async () => {
    const response = await signals.post(
      {
        ...energySignal(uniqueAddress(), 20),
        arrears: { amount: 20, since: daysAgo(3) },
        crisis: { kind: 'disconnection' },
      },
      await signals.token('energy'),
    );
    expect(response.statusCode).toBe(201);
    expect((await outboxFor(response.json().caseId))[0]?.payload).toMatchObject({ urgency: 'crisis' });
  });
});

describe('rejections', () => {
  /** 400 when the body does not match the OpenAPI document, 422 when it does but breaks an intake rule. */
  const rejectionOf = async (body: unknown, status: 400 | 422, kind: 'landlord' | 'school' = 'landlord') => {
    const response = await signals.post(body, await signals.token(kind));
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return response.json() as { code: string; errors: { pointer: string; code: string }[] };
  };

  it('when a landlord sends a BSN, then SIGNAL_BSN_NOT_ALLOWED names it, without echoing it, and nothing is stored', async () => {
    const signal = rentSignal();
    const problem = await rejectionOf({ ...signal, subject: { ...signal.subject, bsn: '123456782' } }, 400);
    expect(problem.code).toBe('SIGNAL_BSN_NOT_ALLOWED');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/subject/bsn', code: 'bsn_not_allowed' })]);
    expect(JSON.stringify(problem)).not.toContain('123456782');
    const { rows } = await signals.app.pool.query('SELECT 1 FROM signal WHERE reference = $1', [signal.reference]);
    expect(rows).toHaveLength(0);
  });

  it('when a name or the reference holds a NUL byte or another control character, then 400 naming each field, not 500', async () => {
    const signal = rentSignal();
    const problem = await rejectionOf(
      {
        ...signal,
        reference: `${signal.reference}\u0007`,
        subject: { ...signal.subject, givenName: 'An\u0000na', familyName: 'de\nVries' },
        address: { ...signal.address, houseNumberAddition: 'B\u001b' },
      },
      400,
    );
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((error) => [error.pointer, error.code]).sort()).toEqual([
      ['/address/houseNumberAddition', 'invalid_format'],
      ['/reference', 'invalid_format'],
      ['/subject/familyName', 'invalid_format'],
      ['/subject/givenName', 'invalid_format'],
    ]);
  });

  it('when the tenant objected, then 422 SIGNAL_TENANT_OBJECTED', async () => {
    const signal = rentSignal();
    const problem = await rejectionOf(
      { ...signal, preconditions: { ...signal.preconditions, tenantObjected: true } },
      422,
    );
    expect(problem.code).toBe('SIGNAL_TENANT_OBJECTED');
  });

  it('when the landlord never pointed to debt help, then 422 SIGNAL_PRECONDITIONS_NOT_MET names it', async () => {
    const signal = rentSignal();
    const problem = await rejectionOf(
      { ...signal, preconditions: { ...signal.preconditions, pointedToDebtHelp: false } },
      422,
    );
    expect(problem).toMatchObject({
      code: 'SIGNAL_PRECONDITIONS_NOT_MET',
      errors: [expect.objectContaining({ pointer: '/preconditions/pointedToDebtHelp' })],
    });
  });

  it('when rent arrears are 10 days old, then 422 SIGNAL_OUTSIDE_CONVENANT_WINDOW names the start date', async () => {
    const problem = await rejectionOf({ ...rentSignal(), arrears: { amount: 500, since: daysAgo(10) } }, 422);
    expect(problem).toMatchObject({
      code: 'SIGNAL_OUTSIDE_CONVENANT_WINDOW',
      errors: [expect.objectContaining({ pointer: '/arrears/since', code: 'outside_convenant_window' })],
    });
  });

  it('when a rent signal has no preconditions, then 422 SIGNAL_INVALID says they are required', async () => {
    const { preconditions: _omitted, ...signal } = rentSignal();
    const problem = await rejectionOf(signal, 422);
    expect(problem).toMatchObject({
      code: 'SIGNAL_INVALID',
      errors: [expect.objectContaining({ pointer: '/preconditions', code: 'required' })],
    });
  });
});

describe('school signals', () => {
  it('when a school reports absence of a minor, then the case carries an age band, never the birth date', async () => {
    const response = await signals.post(
      {
        type: 'school_absence',
        reference: `V-${randomUUID()}`,
        subject: { givenName: 'Sem', dateOfBirth: '2012-03-04' },
        address: uniqueAddress(),
        absence: { hours: 16, from: daysAgo(28), to: daysAgo(1) },
      },
      await signals.token('school'),
    );
    expect(response.statusCode).toBe(201);
    const [opened] = await outboxFor(response.json().caseId);
    expect(opened?.payload).toMatchObject({ signalKind: 'school_absence', ageBand: '12_to_17' });
    expect(JSON.stringify(opened)).not.toContain('2012-03-04');
  });
});

describe('GET /v1/signals?status=', () => {
  it("lists only the partner's own signals by feedback status, page by page", async () => {
    const token = await signals.token('landlord');
    const unjustified = [];
    for (let i = 0; i < 3; i++) unjustified.push((await signals.post(rentSignal(uniqueAddress(), 50), token)).json());
    const open = (await signals.post(rentSignal(), token)).json();
    await signals.post(rentSignal(uniqueAddress(), 50), await signals.token('landlord'));

    const firstPage = (await signals.request('GET', '/v1/signals?status=unjustified&limit=2', token)).json();
    expect(firstPage.items).toHaveLength(2);
    expect(firstPage.next).toEqual(expect.any(String));
    const secondPage = (
      await signals.request('GET', `/v1/signals?status=unjustified&limit=2&cursor=${firstPage.next}`, token)
    ).json();
    expect(secondPage.next).toBeUndefined();
    const ids = [...firstPage.items, ...secondPage.items].map((item: { id: string }) => item.id);
    expect(ids.sort()).toEqual(unjustified.map((signal) => signal.id).sort());

    const inProgress = (await signals.request('GET', '/v1/signals?status=in_progress', token)).json();
    expect(inProgress.items.map((item: { id: string }) => item.id)).toEqual([open.id]);
  });

  it('when the cursor was not handed out by the API, then 422 INVALID_CURSOR naming it', async () => {
    const response = await signals.request('GET', '/v1/signals?cursor=bm9wZQ', await signals.token('landlord'));
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([expect.objectContaining({ in: 'querystring', pointer: '/cursor' })]);
    expect(response.json().code).toBe('INVALID_CURSOR');
  });

  it('when a case is closed with a result partners may not learn, then the signal shows only not_picked_up', async () => {
    const token = await signals.token('landlord');
    const signal = (await signals.post(rentSignal(), token)).json();
    // Stands in for the closing consumer, which sets the purpose-limited status beside the result.
    await signals.app.pool.query(
      `UPDATE signal SET status = 'closed', closing_result = 'no_contact_final', feedback_status = 'not_picked_up' WHERE id = $1`,
      [signal.id],
    );
    const response = (await signals.request('GET', `/v1/signals/${signal.id}`, token)).json();
    expect(response.status).toBe('not_picked_up');
    expect(JSON.stringify(response)).not.toContain('no_contact');
  });
});

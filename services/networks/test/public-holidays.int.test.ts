import { randomUUID } from 'node:crypto';
import { CaseOpenedV1 } from '@vangnet/contracts/signals';
import { type Kafka, producerOptions } from '@vangnet/messaging/kafka';
import { outboxMessage } from '@vangnet/messaging/outbox';
import {
  addWorkingDays,
  amsterdamDate,
  dutchPublicHolidays,
  escalationDate,
  holidayCalendar,
} from '@vangnet/platform/working-days';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPublicHolidays } from '../src/features/public-holidays/calendar.ts';
import { expectStatus, startNetworks } from './helpers.ts';

let networks: Awaited<ReturnType<typeof startNetworks>>;
let producer: ReturnType<Kafka['producer']>;

beforeAll(async () => {
  networks = await startNetworks();
  producer = networks.app.kafka.producer(producerOptions);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await networks?.close();
});

describe('public holidays', () => {
  it('when no list is set, then GET answers the Dutch one; only an admin sets one, and a bad list is refused naming each date', async () => {
    const area = await networks.municipality();
    const read = await expectStatus(networks.call('GET', '/v1/public-holidays/2030', area.coordinator), 200);
    expect(read.json()).toEqual({ year: 2030, source: 'default', holidays: defaultPublicHolidays(2030) });
    expect(read.json().holidays.map((holiday: { date: string }) => holiday.date)).toEqual(dutchPublicHolidays(2030));

    const byCoordinator = await networks.call('PUT', '/v1/public-holidays/2030', area.coordinator, { holidays: [] });
    expect(byCoordinator.statusCode).toBe(403);

    const invalid = await networks.call('PUT', '/v1/public-holidays/2030', area.admin, {
      holidays: [
        { date: '2030-01-01', name: 'Nieuwjaar' },
        { date: '2031-01-01', name: 'Volgend jaar' },
        { date: '2030-01-01', name: 'Dubbel' },
      ],
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({
      code: 'HOLIDAY_LIST_INVALID',
      errors: [
        { pointer: '/holidays/1/date', code: 'HOLIDAY_OUTSIDE_YEAR' },
        { pointer: '/holidays/2/date', code: 'HOLIDAY_DUPLICATE' },
      ],
    });
    const malformed = await networks.call('PUT', '/v1/public-holidays/2030', area.admin, {
      holidays: [{ date: '2030-02-30', name: 'Nul\u0000byte' }],
      extra: true,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors.map((error: { pointer: string }) => error.pointer)).toEqual(
      expect.arrayContaining(['/holidays/0/date', '/holidays/0/name', '/extra']),
    );
    const badYear = await networks.call('PUT', '/v1/public-holidays/1999', area.admin, { holidays: [] });
    expect(badYear.json()).toMatchObject({ status: 400, errors: [{ in: 'params', pointer: '/year' }] });

    await expectStatus(
      networks.call('PUT', '/v1/public-holidays/2030', area.admin, {
        holidays: [
          { date: '2030-12-25', name: 'Eerste Kerstdag' },
          { date: '2030-01-01', name: 'Nieuwjaar' },
        ],
      }),
      204,
    );
    expect((await expectStatus(networks.call('GET', '/v1/public-holidays/2030', area.admin), 200)).json()).toEqual({
      year: 2030,
      source: 'configured',
      holidays: [
        { date: '2030-01-01', name: 'Nieuwjaar' },
        { date: '2030-12-25', name: 'Eerste Kerstdag' },
      ],
    });
  });

  it('when an extra holiday is configured, then the router, and the simulation, count deadlines past it', async () => {
    const area = await networks.municipality();
    const team = (
      await expectStatus(
        networks.call('POST', '/v1/teams', area.coordinator, {
          municipalityCode: area.code,
          name: 'Team',
          capacity: 10,
        }),
        201,
      )
    ).json().team.id as string;
    await expectStatus(
      networks.call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, {
        rules: [{ id: 'rent', match: { itemKinds: ['rent'] }, teamId: team, deadlineWorkingDays: 5 }],
      }),
      200,
    );
    await networks.app.prisma.postcodeRange.create({
      data: { postcode: area.digits, houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode: area.north },
    });

    // The next working day becomes a day off: every deadline counted from today moves by one.
    const today = amsterdamDate(new Date());
    const extra = addWorkingDays(today, 1);
    const year = Number(extra.slice(0, 4));
    const withExtra = holidayCalendar({ extra: { [year]: [extra] } });
    expect(addWorkingDays(today, 5, withExtra)).not.toBe(addWorkingDays(today, 5));
    await expectStatus(
      networks.call('PUT', `/v1/public-holidays/${year}`, area.admin, {
        holidays: [...defaultPublicHolidays(year), { date: extra, name: 'Gemeentelijke vrije dag' }],
      }),
      204,
    );

    const simulated = await expectStatus(
      networks.call('POST', '/v1/routing/simulate', area.coordinator, {
        postcode: `${area.digits}AB`,
        houseNumber: 12,
        kind: 'rent',
        urgency: 'regular',
      }),
      200,
    );
    expect(simulated.json()).toMatchObject({
      teamId: team,
      deadline: addWorkingDays(today, 5, withExtra),
      escalation: escalationDate(today, 5, withExtra),
    });

    const caseId = randomUUID();
    const message = outboxMessage(
      CaseOpenedV1,
      {
        caseId,
        firstSignalId: randomUUID(),
        signalKind: 'rent',
        urgency: 'regular',
        postcode: `${area.digits}AB`,
        houseNumber: 12,
        amountBand: '500_to_2000',
        openedAt: new Date().toISOString(),
      },
      { source: 'urn:nld:oin:00000000000000000000:systeem:test' },
    );
    await producer.send({
      topic: message.topic,
      messages: [{ key: message.messageKey, value: JSON.stringify(message.payload), headers: message.headers }],
    });
    const decided = await waitFor(
      `the RoutingDecided of ${caseId} in the outbox`,
      async () =>
        (
          await networks.app.pool.query<{ payload: { teamId: string; deadline: string; escalatesOn: string } }>(
            'SELECT payload FROM outbox WHERE message_key = $1',
            [caseId],
          )
        ).rows[0],
      { timeoutMs: 20_000 },
    );
    expect(decided.payload).toMatchObject({
      teamId: team,
      deadline: addWorkingDays(today, 5, withExtra),
      escalatesOn: escalationDate(today, 5, withExtra),
    });
  });
});

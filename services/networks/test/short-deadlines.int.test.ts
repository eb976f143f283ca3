import { randomUUID } from 'node:crypto';
import { nlGovSource } from '@vangnet/contracts/envelope';
import { CaseOpenedV1 } from '@vangnet/contracts/signals';
import { appendToOutbox } from '@vangnet/db/outbox';
import { outboxMessage } from '@vangnet/messaging/outbox';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, startNetworks } from './helpers.ts';

let networks: Awaited<ReturnType<typeof startNetworks>>;

beforeAll(async () => {
  networks = await startNetworks();
});

afterAll(async () => {
  await networks?.close();
});

describe('a routing rule with a deadline in minutes (staging, same-day work)', () => {
  it('when a case is routed by it, then RoutingDecided names the instants: expiry minutes after the decision, escalation at three times it', async () => {
    const area = await networks.municipality();
    const team = (
      await expectStatus(
        networks.call('POST', '/v1/teams', area.coordinator, {
          municipalityCode: area.code,
          name: 'Snel team',
          neighbourhoodCodes: [area.north],
          capacity: 10,
        }),
        201,
      )
    ).json().team.id as string;
    const rules = { rules: [{ id: 'short', match: {}, teamId: team, deadlineWorkingDays: 0, deadlineMinutes: 5 }] };
    await expectStatus(
      networks.call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, rules),
      200,
    );
    const listed = await networks.call('GET', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator);
    expect(listed.json().rules).toMatchObject([{ id: 'short', deadlineMinutes: 5 }]);
    await networks.app.inject({
      method: 'PUT',
      url: `/v1/municipalities/${area.code}/postcode-map`,
      headers: { authorization: `Bearer ${area.coordinator}`, 'content-type': 'text/csv' },
      payload: `${area.digits};1;99999;${area.north}`,
    });

    // Published by this service's own relay, as signals would: the router takes it from the broker.
    const caseId = randomUUID();
    await appendToOutbox(networks.app.prisma, [
      outboxMessage(
        CaseOpenedV1,
        {
          caseId,
          firstSignalId: randomUUID(),
          signalKind: 'rent',
          urgency: 'regular',
          postcode: `${area.digits}AB`,
          houseNumber: 3,
          openedAt: new Date().toISOString(),
        },
        { source: nlGovSource('00000000000000000000', 'vangnet-signals') },
      ),
    ]);
    const decided = await waitFor('the RoutingDecided', async () => {
      const { rows } = await networks.app.pool.query(
        `SELECT payload FROM outbox WHERE message_key = $1 AND headers->>'ce_type' = 'nl.vangnet.networks.RoutingDecided.v2'`,
        [caseId],
      );
      return rows[0]?.payload as { decidedAt: string; expiresAt?: string; escalatesAt?: string } | undefined;
    });
    const decidedAt = Date.parse(decided.decidedAt);
    expect(Date.parse(decided.expiresAt ?? '')).toBe(decidedAt + 5 * 60_000);
    expect(Date.parse(decided.escalatesAt ?? '')).toBe(decidedAt + 15 * 60_000);
  });

  it('when the minutes are out of range, then the rule list is refused naming the field', async () => {
    const area = await networks.municipality();
    for (const deadlineMinutes of [0, 10_081, 1.5]) {
      const response = await networks.call('PUT', `/v1/municipalities/${area.code}/routing-rules`, area.coordinator, {
        rules: [{ id: 'bad', match: {}, teamId: randomUUID(), deadlineWorkingDays: 0, deadlineMinutes }],
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toContainEqual(expect.objectContaining({ pointer: '/rules/0/deadlineMinutes' }));
    }
  });
});

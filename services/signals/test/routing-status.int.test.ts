import { randomUUID } from 'node:crypto';
import { nlGovSource } from '@vangnet/contracts/envelope';
import { RoutingFailedV1 } from '@vangnet/contracts/networks';
import { appendToOutbox } from '@vangnet/db/outbox';
import { outboxMessage } from '@vangnet/messaging/outbox';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rentSignal, startSignals, uniqueAddress } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  signals = await startSignals();
});

afterAll(async () => {
  await signals?.close();
});

/** A RoutingFailed as networks publishes it, carried over real Kafka by this service's own relay. */
async function routingFailed(caseId: string) {
  await appendToOutbox(signals.app.prisma, [
    outboxMessage(
      RoutingFailedV1,
      {
        decisionId: randomUUID(),
        item: { kind: 'case', id: caseId },
        reason: 'no_neighbourhood_for_address',
        explanation: 'the address is in no neighbourhood of the postcode map',
        decidedAt: new Date().toISOString(),
      },
      { source: nlGovSource('00000000000000000000', 'vangnet-networks') },
    ),
  ]);
}

const statusOf = async (signalId: string, token: string) =>
  (await signals.request('GET', `/v1/signals/${signalId}`, token)).json().status as string;

describe("the partner's status while a case waits with the coordinator", () => {
  it('when routing fails, then the signal shows with_coordinator, and a later signal joining the case shows it too', async () => {
    const address = uniqueAddress();
    const landlord = await signals.token('landlord');
    const first = (await signals.post(rentSignal(address), landlord)).json();
    expect(first.status).toBe('in_progress');

    await routingFailed(first.caseId);
    await waitFor('the landlord sees with_coordinator', async () =>
      (await statusOf(first.id, landlord)) === 'with_coordinator' ? true : undefined,
    );

    const other = await signals.token('landlord');
    const joined = (await signals.post(rentSignal(address), other)).json();
    expect(joined.caseId).toBe(first.caseId);
    expect(await statusOf(joined.id, other)).toBe('with_coordinator');
    const listed = (await signals.request('GET', '/v1/signals?status=with_coordinator', other)).json();
    expect(listed.items.map((item: { id: string }) => item.id)).toEqual([joined.id]);
  });
});

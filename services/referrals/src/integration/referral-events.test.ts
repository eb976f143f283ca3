import { randomUUID } from 'node:crypto';
import { fromKafkaHeaders } from '@vangnet/contracts/envelope';
import { describe, expect, it, vi } from 'vitest';
import type { Transaction } from '../db.ts';
import type { LifecycleEvent, ReferralState } from '../features/lifecycle/decide.ts';
import { emitReferralEvent } from './referral-events.ts';

const source = 'urn:nld:oin:00000000000000000000:systeem:vangnet-referrals';
const at = '2026-12-02T10:00:00.000Z';

const events: LifecycleEvent[] = [
  { type: 'accepted', acceptedAt: at },
  { type: 'declined', reason: 'already_in_care', declinedAt: at },
  { type: 'expired', deadline: '2026-12-01', expiredAt: at },
  { type: 'escalated', deadline: '2026-12-04', escalatesOn: '2026-12-02', escalatedAt: at },
  {
    type: 'transferred',
    newReferralId: randomUUID(),
    toTeamId: randomUUID(),
    transferredBy: 'team',
    transferredAt: at,
  },
  {
    type: 'contact_attempted',
    contactAttemptId: randomUUID(),
    channel: 'home_visit',
    date: '2026-12-01',
    partOfDay: 'evening',
    reached: true,
    recordedAt: at,
  },
  { type: 'closed', result: 'quick_fix', closedAt: at },
];

const referral = (itemKind: ReferralState['itemKind']): ReferralState => ({
  id: randomUUID(),
  teamId: randomUUID(),
  itemKind,
  itemId: randomUUID(),
  status: 'routed',
  deadline: '2026-12-04',
  escalatesOn: '2026-12-10',
  escalatedAt: null,
  firstContactAt: null,
});

/**
 * A transaction that records what is written: the outbox insert (raw SQL),
 * the deliveries, and whether the GP request is looked up. Every
 * subscription wants everything; the request has no consent, so the test
 * sees that the practice is considered without building its status.
 */
function recordingTransaction() {
  const rawSql: unknown[][] = [];
  const createMany = vi.fn(async () => ({ count: 1 }));
  const findRequest = vi.fn(async () => null);
  const tx = {
    $executeRaw: vi.fn(async (...args: unknown[]) => {
      rawSql.push(args);
      return 1;
    }),
    // One subscription, of the first owner asked for.
    webhookSubscription: {
      findMany: vi.fn(async ({ where }: { where: { OR: { ownerKind: string; ownerId: string }[] } }) =>
        where.OR.slice(0, 1).map((owner) => ({ id: 'subscription', ...owner, eventTypes: [] })),
      ),
    },
    webhookDelivery: { createMany },
    referralRequest: { findUnique: findRequest },
  } as unknown as Transaction;
  return { tx, rawSql, createMany, findRequest };
}

describe('a lifecycle event leaves through one function: outbox and webhooks together', () => {
  it.each(events.map((event) => [event.type, event] as const))(
    'when %s is emitted, then the outbox row and the team deliveries carry the same event, in the same transaction',
    async (_, event) => {
      const { tx, rawSql, createMany, findRequest } = recordingTransaction();
      const state = referral('case');
      const message = await emitReferralEvent(tx, state, event, { source, time: new Date(at) });

      const outboxInsert = rawSql.find(([sql]) => (sql as string[]).join('?').includes('INSERT INTO outbox'));
      // One insert for all the statement's rows: each column is an array.
      expect(outboxInsert?.flat()).toContain(message.eventId);
      const attributes = fromKafkaHeaders(message.headers);
      const teams = event.type === 'transferred' ? [state.teamId, event.toTeamId] : [state.teamId];
      expect(createMany).toHaveBeenCalledTimes(1);
      expect(createMany).toHaveBeenCalledWith({
        data: [
          expect.objectContaining({
            eventId: message.eventId,
            eventType: attributes.type,
            eventSource: source,
            eventSubject: state.id,
            eventTime: at,
            data: message.payload,
            status: 'pending',
          }),
        ],
        skipDuplicates: true,
      });
      expect(message.payload).toMatchObject({ referralId: state.id, teamId: state.teamId });
      const findMany = (tx as unknown as { webhookSubscription: { findMany: ReturnType<typeof vi.fn> } })
        .webhookSubscription.findMany;
      expect(findMany.mock.calls[0]?.[0]).toMatchObject({
        where: { OR: teams.map((id) => ({ ownerKind: 'team', ownerId: id })) },
      });
      // A case has no referring practice.
      expect(findRequest).not.toHaveBeenCalled();
    },
  );

  it('when the referral is for a GP request, then its practice is considered in the same transaction', async () => {
    const { tx, findRequest } = recordingTransaction();
    const state = referral('referral_request');
    await emitReferralEvent(tx, state, { type: 'accepted', acceptedAt: at }, { source });
    expect(findRequest).toHaveBeenCalledWith(expect.objectContaining({ where: { id: state.itemId } }));
  });
});

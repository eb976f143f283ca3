import type { Inbox } from '@vangnet/messaging/consumer';

/** The slice of a Prisma transaction client the inbox needs. */
export interface RawSql {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** The slice of a PrismaClient that runs interactive transactions. */
export interface Transactional<Tx extends RawSql> {
  $transaction<R>(work: (tx: Tx) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>;
}

/**
 * The inbox over a service's own `inbox` table (consumer_group, event_id):
 * the insert and the handler's writes share one transaction, so either both
 * happen or neither, and a redelivered event finds its id and does nothing.
 */
export function prismaInbox<Tx extends RawSql>(prisma: Transactional<Tx>): Inbox<Tx> {
  return {
    runOnce: (consumerGroup, eventId, work) =>
      prisma.$transaction(
        async (tx) => {
          const inserted = await tx.$executeRaw`
            INSERT INTO inbox (consumer_group, event_id) VALUES (${consumerGroup}, ${eventId})
            ON CONFLICT DO NOTHING`;
          if (inserted === 0) return 'duplicate' as const;
          await work(tx);
          return 'applied' as const;
        },
        { timeout: 15_000 },
      ),
  };
}

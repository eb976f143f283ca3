import type { Inbox } from '@vangnet/messaging/consumer';

/** The slice of a Prisma transaction client the inbox needs. */
export interface RawSql {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
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
    runBatch: (consumerGroup, eventIds, work) =>
      prisma.$transaction(
        async (tx) => {
          const rows = await tx.$queryRaw<{ event_id: string }[]>`
            INSERT INTO inbox (consumer_group, event_id)
            SELECT ${consumerGroup}, id FROM unnest(${eventIds}::text[]) AS id
            ON CONFLICT DO NOTHING RETURNING event_id`;
          const fresh = new Set(rows.map((row) => row.event_id));
          if (fresh.size > 0) await work(tx, fresh);
          return fresh;
        },
        { timeout: 15_000 },
      ),
  };
}

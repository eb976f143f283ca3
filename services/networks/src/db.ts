import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type { PrismaClient };

export type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** The service's Prisma client over a pg pool it shares with the outbox relay. */
export const createPrismaClient = (pool: pg.Pool) => new PrismaClient({ adapter: new PrismaPg(pool) });

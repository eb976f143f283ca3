import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    prisma: PrismaClient;
  }
}

export type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export const createPrismaClient = (pool: pg.Pool) => new PrismaClient({ adapter: new PrismaPg(pool) });

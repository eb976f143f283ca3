import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance {
    pool: pg.Pool;
  }
}

/** One pg pool per service instance; an idle connection lost (a database restart) must not crash it. */
export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => undefined);
  return pool;
}

export interface PostgresPluginOptions {
  pool: pg.Pool;
  /** The service's Prisma client over that pool, closed before the pool. */
  client: { $disconnect(): Promise<void> };
}

/**
 * The database of one service: the pg pool shared by its Prisma client
 * (through `@prisma/adapter-pg`) and the outbox relay's raw SQL, a readiness
 * check, and an orderly close. The Prisma client itself is not decorated:
 * each service passes its own typed client to its routes and consumers.
 */
export const postgresPlugin = fp(
  async (app: FastifyInstance, { pool, client }: PostgresPluginOptions) => {
    pool.removeAllListeners('error');
    pool.on('error', (error) => app.log.warn({ err: error }, 'idle database connection lost'));
    app.decorate('pool', pool);
    app.addReadinessCheck('database', async () => {
      await pool.query('SELECT 1');
    });
    app.addHook('onClose', async () => {
      await client.$disconnect();
      await pool.end();
    });
  },
  { name: 'vangnet-postgres', dependencies: ['vangnet-health'] },
);

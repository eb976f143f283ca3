import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance {
    pool: pg.Pool;
  }
}

/** What the plugin needs of a Prisma client: a way to close it. */
interface Disconnectable {
  $disconnect(): Promise<void>;
}

export interface PostgresPluginOptions {
  connectionString: string;
  /** Builds the service's own Prisma client over the shared pool (`new PrismaPg(pool)`). */
  createClient(pool: pg.Pool): Disconnectable;
  /** Name the client is decorated under, usually `prisma`. */
  decorateAs?: string;
  poolSize?: number;
}

/**
 * One pg pool per service instance, shared by the Prisma client (through
 * `@prisma/adapter-pg`) and by the outbox relay's raw SQL, so a request and
 * the relay never compete for two separately sized pools.
 */
export const postgresPlugin = fp(
  async (app: FastifyInstance, options: PostgresPluginOptions) => {
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', (error) => app.log.warn({ err: error }, 'idle database connection lost'));
    const client = options.createClient(pool);
    app.decorate('pool', pool);
    app.decorate(options.decorateAs ?? 'prisma', client);
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

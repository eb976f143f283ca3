import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type ReadinessCheck = () => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a dependency that must answer before the service takes traffic. */
    addReadinessCheck(name: string, check: ReadinessCheck): void;
  }
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: ReadinessCheck): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * `/health/live`: the process serves requests (restart it if not).
 * `/health/ready`: its database and broker answer (route traffic to it if so).
 * Kept apart so that a database outage takes instances out of rotation
 * instead of making the orchestrator restart all of them in a loop.
 */
export const healthPlugin = fp(
  async (app: FastifyInstance) => {
    const checks = new Map<string, ReadinessCheck>();
    app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => {
      checks.set(name, check);
    });

    app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'up' }));

    app.get('/health/ready', { schema: { hide: true } }, async (request, reply) => {
      const results = await Promise.all(
        [...checks].map(async ([name, check]) => {
          try {
            await withTimeout(check);
            return [name, { status: 'up' }] as const;
          } catch (error) {
            request.log.warn({ check: name, err: error }, 'readiness check failed');
            return [name, { status: 'down' }] as const;
          }
        }),
      );
      const ready = results.every(([, result]) => result.status === 'up');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'up' : 'down', checks: Object.fromEntries(results) });
    });
  },
  { name: 'vangnet-health' },
);

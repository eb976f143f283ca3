import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessCheckOptions {
  /**
   * `false`: reported on /health/ready but never makes it fail. For a
   * dependency the service can do without for a while (Kafka: the outbox
   * keeps what requests commit until the broker is back).
   */
  critical?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a dependency that must answer (unless not critical) before the service takes traffic. */
    addReadinessCheck(name: string, check: ReadinessCheck, options?: ReadinessCheckOptions): void;
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
 * `/health/ready`: its critical dependencies (the database) answer (route
 * traffic to it if so); the others (the broker) are reported, not required.
 * Kept apart so that a database outage takes instances out of rotation
 * instead of making the orchestrator restart all of them in a loop, and a
 * broker outage takes nothing out: requests still commit to the outbox.
 */
export const healthPlugin = fp(
  async (app: FastifyInstance) => {
    const checks = new Map<string, { check: ReadinessCheck; critical: boolean }>();
    app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck, options: ReadinessCheckOptions = {}) => {
      checks.set(name, { check, critical: options.critical ?? true });
    });

    app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'up' }));

    app.get('/health/ready', { schema: { hide: true } }, async (request, reply) => {
      const results = await Promise.all(
        [...checks].map(async ([name, { check, critical }]) => {
          try {
            await withTimeout(check);
            return [name, { status: 'up', critical }] as const;
          } catch (error) {
            request.log.warn({ check: name, critical, err: error }, 'readiness check failed');
            return [name, { status: 'down', critical }] as const;
          }
        }),
      );
      const ready = results.every(([, result]) => result.status === 'up' || !result.critical);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'up' : 'down', checks: Object.fromEntries(results) });
    });
  },
  { name: 'vangnet-health' },
);

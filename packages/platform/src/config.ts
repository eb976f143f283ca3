import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates the environment once, at boot, against the service's schema and
 * fails with every problem listed: an operator fixing a deployment should
 * see all missing variables at once, not one per restart.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** Shared pieces of every service's environment. */
export const commonConfig = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim())),
  KAFKA_CLIENT_ID: z.string().optional(),
  /**
   * Prefix of every consumer group id. One deployment keeps the default; a
   * test gives each app its own, so two copies never share a group.
   */
  KAFKA_CONSUMER_GROUP_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/)
    .default('vangnet'),
  /**
   * Where a consumer group that never committed starts: `earliest` (every
   * deployment) reads what waited for it; `latest` is for tests on a shared
   * broker only (EventConsumer.startNewGroupAtEnd).
   */
  KAFKA_NEW_GROUPS_START: z.enum(['earliest', 'latest']).default('earliest'),
  /** Where the public keys of the token issuer are: an https URL or a file: URL. */
  AUTH_JWKS_URL: z.url({ protocol: /^(https?|file)$/ }),
  AUTH_ISSUER: z.string().min(1),
  AUTH_AUDIENCE: z.string().min(1).default('vangnet'),
  /** OIN of the organisation running this deployment, for CloudEvents `source`. */
  ORGANISATION_OIN: z
    .string()
    .regex(/^\d{20}$/)
    .default('00000000000000000000'),
};

import { accessSync, constants, readFileSync } from 'node:fs';
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
  const lines = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`)),
    ...(usesCommonConfig(schema) ? commonRules(env).map((line) => `  ${line}`) : []),
  ];
  if (result.success && lines.length === 0) return result.data;
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** The rules below are about commonConfig's variables: only a schema built on it gets them. */
const usesCommonConfig = (schema: z.ZodType): boolean =>
  schema instanceof z.ZodObject && 'ORGANISATION_OIN' in schema.shape && 'KAFKA_BROKERS' in schema.shape;

/** The OIN of no organisation: fine for development and tests, refused in production. */
export const PLACEHOLDER_OIN = '00000000000000000000';

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Rules across variables of commonConfig, checked on the raw environment so
 * that they are listed together with the schema's own problems.
 */
function commonRules(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  if (production && (!set(env.ORGANISATION_OIN) || env.ORGANISATION_OIN === PLACEHOLDER_OIN)) {
    problems.push(
      'ORGANISATION_OIN: required in production (the OIN of the organisation running this deployment, the CloudEvents source of its events)',
    );
  }
  const sasl = [env.KAFKA_SASL_MECHANISM, env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD];
  if (sasl.some(set) && !sasl.every(set)) {
    problems.push('KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: set all three or none');
  }
  const ssl = env.KAFKA_SSL === 'true';
  if (production && set(env.KAFKA_SASL_MECHANISM) && !ssl) {
    problems.push(
      'KAFKA_SSL: must be true in production when SASL is used (the password would cross the network in clear)',
    );
  }
  if (set(env.KAFKA_SSL_CA_FILE)) {
    if (!ssl) problems.push('KAFKA_SSL_CA_FILE: only with KAFKA_SSL=true');
    try {
      accessSync(env.KAFKA_SSL_CA_FILE, constants.R_OK);
    } catch {
      problems.push(`KAFKA_SSL_CA_FILE: cannot read ${env.KAFKA_SSL_CA_FILE}`);
    }
  }
  return problems;
}

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/** kafkajs' connection security from the validated config: TLS (with the cluster's CA) and SASL. */
export function kafkaSecurityOf(config: {
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}) {
  const ssl: true | { ca: string[] } | undefined = config.KAFKA_SSL
    ? config.KAFKA_SSL_CA_FILE
      ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')] }
      : true
    : undefined;
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  const sasl = mechanism && username && password ? { mechanism, username, password } : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
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
  /** TLS to the brokers; KAFKA_SSL_CA_FILE names the cluster CA's PEM when it is not a public one. */
  KAFKA_SSL: flag,
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  /** SASL authentication (Strimzi's KafkaUser with `scram-sha-512`); all three or none. */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
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
  /**
   * OIN of the organisation running this deployment, for CloudEvents
   * `source` (NL GOV profile). Required in production; development and
   * tests fall back to the placeholder.
   */
  ORGANISATION_OIN: z
    .string()
    .regex(/^\d{20}$/)
    .default(PLACEHOLDER_OIN),
  /**
   * /metrics listens on a port of its own, never the API's: the cluster lets
   * only the scraper reach it. 0 picks a free port (tests). Each service has
   * its own default, so that `pnpm start` can run all three on one machine.
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535),
  /** When set, /metrics also wants `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** The public address of this API including `/v1`, for the OpenAPI `servers` (https). */
  PUBLIC_BASE_URL: z.url({ protocol: /^https$/ }).optional(),
  /** Browser origins allowed to call the API (CORS), comma-separated; empty: none. */
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
  /** Requests per organisation (per address before authentication) per window, then 429. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
};

import { randomBytes } from 'node:crypto';
import type { TestInfrastructure } from './infrastructure.ts';
import type { TestIssuer } from './tokens.ts';

/**
 * The environment a service under test boots with: its own database, the
 * shared broker, the test issuer, and consumer groups of its own so that no
 * other test's copy of the service takes its events.
 */
export function serviceEnv(options: {
  infrastructure: TestInfrastructure;
  databaseUrl: string;
  issuer: TestIssuer;
  groupPrefix?: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    METRICS_PORT: '0',
    // Quiet by default; TEST_LOG_LEVEL=debug shows what the services do.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.infrastructure.kafkaBrokers.join(','),
    KAFKA_CONSUMER_GROUP_PREFIX: options.groupPrefix ?? `test-${randomBytes(4).toString('hex')}`,
    // Each file's new groups start at the end of the shared topics, not at
    // every event the files before it published.
    KAFKA_NEW_GROUPS_START: 'latest',
    // Tests fire requests far faster than a partner may; the limit has its own test.
    RATE_LIMIT_MAX: '1000000',
    AUTH_JWKS_URL: options.issuer.jwksUrl,
    AUTH_ISSUER: options.issuer.issuer,
  };
}

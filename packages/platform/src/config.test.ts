import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, commonConfig, kafkaSecurityOf, PLACEHOLDER_OIN, parseConfig } from './config.ts';

const Schema = z.object({ ...commonConfig, METRICS_PORT: commonConfig.METRICS_PORT.default(9464) });

const base = {
  PORT: '3001',
  DATABASE_URL: 'postgres://u:p@db:5432/signals',
  KAFKA_BROKERS: 'kafka:9093',
  AUTH_JWKS_URL: 'https://login.example.org/jwks',
  AUTH_ISSUER: 'https://login.example.org',
};
const OIN = '00000001234567890000';

const problems = (env: Record<string, string>): string => {
  try {
    parseConfig(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
};

describe('the common configuration', () => {
  it('requires ORGANISATION_OIN in production and refuses the placeholder there', () => {
    expect(problems({ ...base, NODE_ENV: 'production' })).toContain('ORGANISATION_OIN: required in production');
    expect(problems({ ...base, NODE_ENV: 'production', ORGANISATION_OIN: PLACEHOLDER_OIN })).toContain(
      'ORGANISATION_OIN: required in production',
    );
    expect(parseConfig(Schema, { ...base, NODE_ENV: 'production', ORGANISATION_OIN: OIN }).ORGANISATION_OIN).toBe(OIN);
  });

  it('falls back to the placeholder OIN in development and tests', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(parseConfig(Schema, { ...base, NODE_ENV }).ORGANISATION_OIN).toBe(PLACEHOLDER_OIN);
    }
  });

  it('holds only a schema built on commonConfig to its rules', () => {
    const Other = z.object({ NODE_ENV: z.string() });
    expect(parseConfig(Other, { NODE_ENV: 'production' })).toEqual({ NODE_ENV: 'production' });
  });

  it('lists rule and schema problems together', () => {
    const message = problems({ ...base, NODE_ENV: 'production', PORT: 'x', KAFKA_SASL_USERNAME: 'vangnet-signals' });
    expect(message).toContain('PORT:');
    expect(message).toContain('ORGANISATION_OIN:');
    expect(message).toContain('set all three or none');
  });

  it('wants SASL mechanism, user name and password together, and over TLS in production', () => {
    expect(problems({ ...base, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' })).toContain(
      'set all three or none',
    );
    const sasl = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    expect(problems({ ...base, ...sasl, NODE_ENV: 'production', ORGANISATION_OIN: OIN })).toContain(
      'KAFKA_SSL: must be true in production when SASL is used',
    );
    expect(problems({ ...base, ...sasl, NODE_ENV: 'production', ORGANISATION_OIN: OIN, KAFKA_SSL: 'true' })).toBe('');
    expect(
      problems({ ...base, KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }),
    ).toContain('KAFKA_SASL_MECHANISM:');
  });

  it('checks at boot that the CA file can be read, and only with TLS', () => {
    expect(problems({ ...base, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' })).toContain(
      'KAFKA_SSL_CA_FILE: cannot read /nonexistent/ca.crt',
    );
    expect(problems({ ...base, KAFKA_SSL_CA_FILE: import.meta.filename })).toContain(
      'KAFKA_SSL_CA_FILE: only with KAFKA_SSL=true',
    );
  });

  it('turns the settings into kafkajs TLS and SASL options', () => {
    const plain = parseConfig(Schema, base);
    expect(kafkaSecurityOf(plain)).toEqual({});
    const secured = parseConfig(Schema, {
      ...base,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: import.meta.filename,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'vangnet-signals',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    const security = kafkaSecurityOf(secured);
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'vangnet-signals', password: 'secret' });
    expect(security.ssl).toEqual({ ca: [expect.stringContaining('kafkajs TLS and SASL options')] });
    expect(kafkaSecurityOf(parseConfig(Schema, { ...base, KAFKA_SSL: 'true' })).ssl).toBe(true);
  });
});

import type { LoggerOptions } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log line. The first line of
 * defence is never logging bodies at all; this catches the slips: a request
 * object logged whole, an error carrying the payload it choked on.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  'body',
  '*.body',
  'payload',
  '*.payload',
  'subject',
  '*.subject',
  '*.name',
  '*.firstName',
  '*.lastName',
  '*.dateOfBirth',
  '*.birthDate',
  '*.bsn',
  '*.phone',
  '*.email',
  '*.address',
  '*.postcode',
  '*.houseNumber',
];

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    name: service,
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
}

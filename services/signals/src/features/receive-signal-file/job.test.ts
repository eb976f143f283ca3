import { describe, expect, it } from 'vitest';
import { Prisma } from '../../generated/prisma/client.ts';
import { failureForLog, isDatabaseUnavailable, isRetryable } from './job.ts';

const known = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError('failed', { code, clientVersion: 'test', ...(meta ? { meta } : {}) });
const fromDriver = (originalCode: string) => known('P2010', { driverAdapterError: { cause: { originalCode } } });

describe('which chunk failures are redone', () => {
  it('a unique reference taken meanwhile or a deadlock, however the driver reports it, is redone', () => {
    expect(isRetryable(fromDriver('23505'))).toBe(true);
    expect(isRetryable(fromDriver('40P01'))).toBe(true);
    expect(isRetryable(known('P2002'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('pg'), { code: '23505' }))).toBe(true);
  });

  it('anything else is not: the job backs off and the lease keeps the file', () => {
    expect(isRetryable(fromDriver('23503'))).toBe(false);
    expect(isRetryable(new Error('boom'))).toBe(false);
    expect(isRetryable(null)).toBe(false);
  });
});

describe('which failures are the database being away, never the rows', () => {
  it('connection failures, however reported, never park a row', () => {
    expect(isDatabaseUnavailable(known('P1001'))).toBe(true);
    expect(isDatabaseUnavailable(known('P2024'))).toBe(true);
    expect(isDatabaseUnavailable(fromDriver('08006'))).toBe(true);
    expect(isDatabaseUnavailable(fromDriver('57P01'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
  });

  it('a fault of the data or the code is not', () => {
    expect(isDatabaseUnavailable(fromDriver('22P05'))).toBe(false);
    expect(isDatabaseUnavailable(fromDriver('XX000'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('what a log may say about a failure', () => {
  it('class and codes, never the message, which can quote the row', () => {
    const error = known('P2010', { driverAdapterError: { cause: { originalCode: '23505' } } });
    error.message = 'Key (reference)=(Jansen 1975-02-03) already exists';
    expect(failureForLog(error)).toEqual({
      errorClass: 'PrismaClientKnownRequestError',
      code: 'P2010',
      sqlState: '23505',
    });
    expect(JSON.stringify(failureForLog(new Error('Jansen')))).not.toContain('Jansen');
  });
});

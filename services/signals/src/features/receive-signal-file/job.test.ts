import { describe, expect, it } from 'vitest';
import { Prisma } from '../../generated/prisma/client.ts';
import { isRetryable } from './job.ts';

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

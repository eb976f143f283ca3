import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PermanentEventError } from './errors.ts';
import { transactionExpired, transientFailure } from './transient.ts';

/** What node-postgres throws for an error the server sent (pg-protocol's DatabaseError). */
function serverError(code: string, severity = 'ERROR', message = 'server said no'): pg.DatabaseError {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = severity;
  return error;
}

/** What node throws when a socket cannot connect or is cut. */
function systemError(code: string, syscall = 'connect'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code} 127.0.0.1:5432`), { code, errno: -1, syscall });
}

/**
 * Prisma 7 with @prisma/adapter-pg: the adapter throws a DriverAdapterError
 * whose `cause` is the mapped failure (`kind`, and `originalCode` or `code`
 * with the SQLSTATE); the client wraps it in a PrismaClientKnownRequestError
 * with a P-code and the adapter's error under `meta.driverAdapterError`
 * (@prisma/client/runtime/client.js, @prisma/adapter-pg convertDriverError).
 */
function driverAdapterError(cause: Record<string, unknown>): Error {
  return Object.assign(new Error(String(cause.kind)), { name: 'DriverAdapterError', cause });
}
function prismaKnown(code: string, cause?: Record<string, unknown>): Error {
  return Object.assign(new Error('Invalid `prisma.$executeRaw()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code,
    clientVersion: '7.10.0',
    meta: cause ? { driverAdapterError: driverAdapterError(cause) } : {},
  });
}

describe('which failures are the database being away, not the event', () => {
  it('the server down or cutting the socket, as node reports it', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']) {
      expect(transientFailure(systemError(code)), code).toBe(true);
    }
  });

  it('every address of a host refusing, as an AggregateError (node tries each address)', () => {
    const aggregate = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], '');
    expect(transientFailure(aggregate)).toBe(true);
  });

  it('connection exceptions, class 08, from the server', () => {
    expect(transientFailure(serverError('08006'))).toBe(true);
    expect(transientFailure(serverError('08001'))).toBe(true);
    expect(transientFailure(serverError('08P01'))).toBe(true);
  });

  it('insufficient resources, class 53: too many connections, disk full, out of memory', () => {
    expect(transientFailure(serverError('53300', 'FATAL', 'sorry, too many clients already'))).toBe(true);
    expect(transientFailure(serverError('53100'))).toBe(true);
    expect(transientFailure(serverError('53200'))).toBe(true);
  });

  it('the server shutting down, crashed or starting (57P01, 57P02, 57P03)', () => {
    const terminated = serverError('57P01', 'FATAL', 'terminating connection due to administrator command');
    expect(transientFailure(terminated)).toBe(true);
    expect(transientFailure(serverError('57P02', 'FATAL'))).toBe(true);
    expect(transientFailure(serverError('57P03', 'FATAL', 'the database system is starting up'))).toBe(true);
  });

  it('a serialization failure or deadlock, which the server asks to run again', () => {
    expect(transientFailure(serverError('40001'))).toBe(true);
    expect(transientFailure(serverError('40P01'))).toBe(true);
  });

  it('a database closed to new connections (ALLOW_CONNECTIONS false), refused while connecting', () => {
    const refused = serverError('55000', 'FATAL', 'database "signals" is not currently accepting connections');
    expect(transientFailure(refused)).toBe(true);
  });

  it("node-postgres' own connection errors, which carry no code", () => {
    expect(transientFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(transientFailure(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(transientFailure(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
  });

  it("Prisma's connection and transaction codes", () => {
    for (const code of ['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034', 'P2037']) {
      expect(transientFailure(prismaKnown(code)), code).toBe(true);
    }
    const initialization = Object.assign(new Error("Can't reach database server"), {
      name: 'PrismaClientInitializationError',
      errorCode: 'P1001',
    });
    expect(transientFailure(initialization)).toBe(true);
  });

  it("Prisma's driver-adapter errors around a pg error: the SQLSTATE inside decides", () => {
    // A raw query failing on a terminated backend: P2010 around kind 'postgres', code 57P01.
    expect(transientFailure(prismaKnown('P2010', { kind: 'postgres', code: '57P01', severity: 'FATAL' }))).toBe(true);
    expect(transientFailure(prismaKnown('P2039', { kind: 'postgres', code: '08006', severity: 'FATAL' }))).toBe(true);
    // A database closed to connections, as Prisma 7.10 reports it (taken from a real run).
    const closed = { originalCode: '55000', kind: 'postgres', code: '55000', severity: 'FATAL' };
    expect(transientFailure(prismaKnown('P2039', closed))).toBe(true);
    // Mapped kinds keep the SQLSTATE as originalCode.
    const tooMany = { kind: 'TooManyConnections', originalCode: '53300', originalMessage: 'too many clients' };
    expect(transientFailure(prismaKnown('P2037', tooMany))).toBe(true);
    // The adapter's own error, when it escapes the client unwrapped.
    expect(transientFailure(driverAdapterError({ kind: 'DatabaseNotReachable', host: 'db', port: 5432 }))).toBe(true);
    expect(transientFailure(driverAdapterError({ kind: 'ConnectionClosed' }))).toBe(true);
  });

  it("a handler's own error around one of these, through its cause chain", () => {
    const inner = serverError('57P01', 'FATAL');
    const outer = new Error('could not record the assignment', { cause: new Error('query failed', { cause: inner }) });
    expect(transientFailure(outer)).toBe(true);
  });
});

describe('which failures are the event or the code, and count toward the dead letter', () => {
  it("a zod error, a handler's TypeError, a plain Error, a PermanentEventError", () => {
    const zodError = z.object({ seq: z.number() }).safeParse({ seq: 'seven' }).error;
    expect(transientFailure(zodError)).toBe(false);
    expect(transientFailure(new TypeError("Cannot read properties of undefined (reading 'teamId')"))).toBe(false);
    expect(transientFailure(new Error('boom'))).toBe(false);
    expect(transientFailure(new PermanentEventError('event x (y): data is not valid JSON'))).toBe(false);
  });

  it('a unique violation (23505), a check violation (23514), a foreign key (23503), from pg', () => {
    expect(transientFailure(serverError('23505', 'ERROR', 'duplicate key value violates unique constraint'))).toBe(
      false,
    );
    expect(transientFailure(serverError('23514', 'ERROR', 'new row violates check constraint'))).toBe(false);
    expect(transientFailure(serverError('23503'))).toBe(false);
    expect(transientFailure(serverError('22P02'))).toBe(false);
  });

  it('the same through Prisma: P2002, P2003, and P2010 around a check violation', () => {
    const unique = { kind: 'UniqueConstraintViolation', originalCode: '23505', constraint: { fields: ['reference'] } };
    expect(transientFailure(prismaKnown('P2002', unique))).toBe(false);
    expect(
      transientFailure(prismaKnown('P2003', { kind: 'ForeignKeyConstraintViolation', originalCode: '23503' })),
    ).toBe(false);
    expect(transientFailure(prismaKnown('P2010', { kind: 'postgres', code: '23514', severity: 'ERROR' }))).toBe(false);
  });

  it("a statement's 55000 (an ERROR, not the FATAL of a refused connection)", () => {
    expect(transientFailure(serverError('55000', 'ERROR', 'currval of sequence is not yet defined'))).toBe(false);
  });

  it('nothing, a string, a number, and an error whose cause is itself', () => {
    expect(transientFailure(undefined)).toBe(false);
    expect(transientFailure(null)).toBe(false);
    expect(transientFailure('ECONNREFUSED')).toBe(false);
    expect(transientFailure(42)).toBe(false);
    const loop = new Error('loop');
    loop.cause = loop;
    expect(transientFailure(loop)).toBe(false);
  });
});

describe('which transient failures are the transaction running out of time', () => {
  it("Prisma's interactive-transaction timeout, however wrapped, and nothing else", () => {
    expect(transactionExpired(prismaKnown('P2028'))).toBe(true);
    expect(transactionExpired(new Error('handler', { cause: prismaKnown('P2028') }))).toBe(true);
    expect(transactionExpired(driverAdapterError({ kind: 'TransactionAlreadyClosed', cause: 'expired' }))).toBe(true);
    expect(transactionExpired(prismaKnown('P1001'))).toBe(false);
    expect(transactionExpired(serverError('57P01', 'FATAL'))).toBe(false);
  });
});

/**
 * Failures of the database connection rather than of the event: the server
 * is down, restarting, refusing or dropping connections, out of
 * connections, or it chose this transaction as the loser of a conflict.
 * Retrying the same event later succeeds; dead-lettering it would park a
 * healthy event and break its key's order.
 *
 * Recognised by codes only (SQLSTATE, Prisma's P-codes and driver-adapter
 * kinds, node's socket codes), never by parsing a message, except for the
 * handful of node-postgres errors that carry no code at all.
 */

/** Node system errors of a socket that could not connect or was cut. */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs outside the whole classes below: the server shutting down or
 * starting (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
 * connect now), and serialization failure and deadlock (40001, 40P01),
 * where the server asks for the transaction to be run again.
 */
const sqlStates = new Set(['57P01', '57P02', '57P03', '40001', '40P01']);

/** 08 connection exception, 53 insufficient resources (53300 too many connections, disk full, out of memory). */
const sqlStateClasses = ['08', '53'];

/**
 * Prisma's codes: P1001 cannot reach the server, P1002 timed out reaching
 * it, P1008 operation timed out, P1017 server closed the connection, P2024
 * timed out waiting for a pooled connection, P2028 transaction API error
 * (the transaction was closed under it), P2034 write conflict or deadlock,
 * P2037 too many connections.
 */
const prismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034', 'P2037']);

/** The kinds Prisma's driver adapters give the errors above (`DriverAdapterError.cause.kind`). */
const adapterKinds = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
  'TransactionAlreadyClosed',
]);

/** node-postgres' own connection errors, which have no code. */
const codelessPgMessages = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout',
]);

const isSqlState = (code: string) => /^[0-9A-Z]{5}$/.test(code);

function transientCode(code: string, severity: unknown): boolean {
  if (socketCodes.has(code) || prismaCodes.has(code)) return true;
  if (!isSqlState(code)) return false;
  if (sqlStates.has(code) || sqlStateClasses.some((prefix) => code.startsWith(prefix))) return true;
  // "database … is not currently accepting connections" (ALLOW_CONNECTIONS
  // false during maintenance) is 55000 at FATAL, raised while connecting; a
  // statement's 55000 (an ERROR) is the code's fault and stays permanent.
  return code === '55000' && severity === 'FATAL';
}

type Fields = {
  code?: unknown;
  originalCode?: unknown;
  errorCode?: unknown;
  kind?: unknown;
  severity?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown };
};

function transientHere(fields: Fields): boolean {
  const { severity } = fields;
  for (const code of [fields.code, fields.originalCode, fields.errorCode]) {
    if (typeof code === 'string' && transientCode(code, severity)) return true;
  }
  if (typeof fields.kind === 'string' && adapterKinds.has(fields.kind)) return true;
  return fields.code === undefined && typeof fields.message === 'string' && codelessPgMessages.has(fields.message);
}

/**
 * Whether `error`, or anything it wraps, is a transient database or
 * connection failure. Follows `cause` chains (a handler's own error around
 * the driver's, Prisma's `DriverAdapterError` whose cause holds the pg
 * code), Prisma's `meta.driverAdapterError`, and the `errors` of an
 * AggregateError (node's connect to every address of a host).
 */
export function transientFailure(error: unknown): boolean {
  // A wrapper's own code wins only when it says transient: a
  // PrismaClientKnownRequestError P2010 is "raw query failed" around
  // whatever the server said, so the inner code decides.
  return anyWrapped(error, transientHere);
}

/**
 * Whether the failure is the transaction's own time running out (Prisma's
 * interactive-transaction timeout, P2028, or its driver adapter's
 * TransactionAlreadyClosed). Transient, since a hung database ends that way
 * too, but also what a batch too large for the timeout gets on every try:
 * a batch that meets it is better taken apart than tried again whole.
 */
export function transactionExpired(error: unknown): boolean {
  return anyWrapped(error, (fields) => fields.code === 'P2028' || fields.kind === 'TransactionAlreadyClosed');
}

/** `test` on the error and everything it wraps, each object once (a cause may point back). */
function anyWrapped(error: unknown, test: (fields: Fields) => boolean): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 50) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object' || seen.has(next)) continue;
    seen.add(next);
    const fields = next as Fields;
    if (test(fields)) return true;
    if (fields.cause !== undefined) pending.push(fields.cause);
    if (Array.isArray(fields.errors)) pending.push(...fields.errors);
    if (fields.meta?.driverAdapterError !== undefined) pending.push(fields.meta.driverAdapterError);
  }
  return false;
}

import { DomainError } from '@vangnet/platform/problem';

/** Keyset position in a municipality's queue (oldest first): opaque to the caller, stable under inserts. */
export interface QueuePosition {
  queuedAt: Date;
  id: string;
}

export const encodeCursor = (position: QueuePosition) =>
  Buffer.from(`${position.queuedAt.toISOString()}|${position.id}`).toString('base64url');

export function decodeCursor(cursor: string): QueuePosition {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const queuedAt = new Date(at ?? '');
  if (rest.length > 0 || !id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(queuedAt.getTime())) {
    throw new DomainError('INVALID_CURSOR', 'pass the `next` of the previous page unchanged', [
      { in: 'querystring', pointer: '/cursor', code: 'invalid_cursor', detail: 'not a cursor of this list' },
    ]);
  }
  return { queuedAt, id };
}

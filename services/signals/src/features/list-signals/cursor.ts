import { DomainError } from '@vangnet/platform/problem';

/** Keyset position in a partner's list (newest first): opaque to the partner, stable under inserts. */
export interface ListPosition {
  receivedAt: Date;
  id: string;
}

export const encodeCursor = (position: ListPosition) =>
  Buffer.from(`${position.receivedAt.toISOString()}|${position.id}`).toString('base64url');

export function decodeCursor(cursor: string): ListPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const receivedAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(receivedAt.getTime())) {
    throw new DomainError('INVALID_CURSOR', 'pass the `next` of the previous page unchanged', [
      { in: 'querystring', pointer: '/cursor', code: 'invalid_cursor', detail: 'not a cursor of this list' },
    ]);
  }
  return { receivedAt, id };
}

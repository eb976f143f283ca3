import { DomainError } from '@vangnet/platform/problem';

/**
 * The opaque `next` cursor of a keyset-paged list: the sort key of the
 * page's last row, as base64url of its parts joined by `|`. Each list
 * decides what its parts are and checks them; parts never hold a `|`.
 */
export const encodeKeyset = (parts: readonly string[]) => Buffer.from(parts.join('|')).toString('base64url');

export const invalidCursor = () =>
  new DomainError('INVALID_CURSOR', 'pass the `next` of the previous page unchanged', [
    { in: 'querystring', pointer: '/cursor', code: 'invalid_cursor', detail: 'not a cursor of this list' },
  ]);

/** The cursor's parts when there are exactly `count`, else INVALID_CURSOR naming the query parameter. */
export function decodeKeyset(cursor: string, count: number): string[] {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== count) throw invalidCursor();
  return parts;
}

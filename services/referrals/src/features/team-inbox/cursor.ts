import type { referralSorts } from '@vangnet/contracts/http/referrals';
import { DomainError } from '@vangnet/platform/problem';

export type ReferralSort = (typeof referralSorts)[number];

/** Keyset position in one sort order of a team inbox: opaque to the caller, stable under inserts. */
export interface InboxPosition {
  sort: ReferralSort;
  /** createdAt (ISO instant) or deadline (ISO date), by the sort. */
  key: string;
  id: string;
}

export const encodeCursor = (position: InboxPosition) =>
  Buffer.from(`${position.sort}|${position.key}|${position.id}`).toString('base64url');

const invalid = (detail: string) =>
  new DomainError('INVALID_CURSOR', 'pass the `next` of the previous page unchanged, with the same sort', [
    { in: 'querystring', pointer: '/cursor', code: 'invalid_cursor', detail },
  ]);

export function decodeCursor(cursor: string, sort: ReferralSort): InboxPosition {
  const [cursorSort, key, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!key || !id || !/^[0-9a-f-]{36}$/.test(id)) throw invalid('not a cursor of this list');
  if (cursorSort !== sort) throw invalid(`this cursor belongs to sort ${cursorSort}`);
  const valid = sort.startsWith('created') ? !Number.isNaN(Date.parse(key)) : /^\d{4}-\d{2}-\d{2}$/.test(key);
  if (!valid) throw invalid('not a cursor of this list');
  return { sort, key, id };
}

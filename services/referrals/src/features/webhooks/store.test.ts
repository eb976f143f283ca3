import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './store.ts';

describe('delivery log cursor', () => {
  it('when a cursor is given out, then it reads back as the same position', () => {
    const position = { createdAt: new Date('2026-11-29T02:00:00.123Z'), id: randomUUID() };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('when the text is not a cursor of ours, then it reads as none', () => {
    for (const text of ['', 'bm9wZQ', Buffer.from('2026-11-29T02:00:00Z|not-a-uuid').toString('base64url')]) {
      expect(decodeCursor(text), text).toBeUndefined();
    }
    const extra = Buffer.from(`2026-11-29T02:00:00Z|${randomUUID()}|x`).toString('base64url');
    expect(decodeCursor(extra)).toBeUndefined();
  });
});

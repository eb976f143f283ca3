import { DomainError } from '@vangnet/platform/problem';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

describe('the coordinator queue cursor', () => {
  it('gives back the position it was made from, to the millisecond', () => {
    const position = { queuedAt: new Date('2026-11-23T09:00:00.123Z'), id: '6b0f6d1e-5b8a-4a57-9d43-0a4a1f1c2b3d' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['no id', Buffer.from('2026-11-23T09:00:00.000Z|').toString('base64url')],
    ['a bad date', Buffer.from('yesterday|6b0f6d1e-5b8a-4a57-9d43-0a4a1f1c2b3d').toString('base64url')],
    ['an id that is not one', Buffer.from("2026-11-23T09:00:00.000Z|' OR 1=1 --").toString('base64url')],
  ])('refuses %s as INVALID_CURSOR naming the query parameter', (_, cursor) => {
    try {
      decodeCursor(cursor);
      expect.unreachable('decoded');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'INVALID_CURSOR', errors: [{ in: 'querystring', pointer: '/cursor' }] });
    }
  });
});

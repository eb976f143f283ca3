import { DomainError } from '@vangnet/platform/problem';
import { describe, expect, it } from 'vitest';
import { decodeMapCursor, encodeMapCursor } from './cursor.ts';

describe('the postcode map cursor', () => {
  it('gives back the position it was made from', () => {
    const position = { postcode: '9901AB', id: 123_456_789_012n };
    expect(decodeMapCursor(encodeMapCursor(position))).toEqual(position);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['no id', Buffer.from('9901AB|').toString('base64url')],
    ['a postcode that is not one', Buffer.from("9901' OR 1=1|5").toString('base64url')],
  ])('refuses %s as INVALID_CURSOR naming the query parameter', (_, cursor) => {
    expect(() => decodeMapCursor(cursor)).toThrow(DomainError);
    try {
      decodeMapCursor(cursor);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_CURSOR', errors: [{ in: 'querystring', pointer: '/cursor' }] });
    }
  });
});

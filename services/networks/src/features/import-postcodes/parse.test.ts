import { describe, expect, it } from 'vitest';
import { isHeader, parsePostcodeLine } from './parse.ts';

const known = new Set(['BU99010101']);
const parse = (line: string) => parsePostcodeLine(line, 7, known);

describe('a line of the postcode map', () => {
  it('when it is a PC6 range, then it becomes a row with the postcode normalised', () => {
    expect(parse('9901 ab;1;49;BU99010101')).toEqual({
      postcode: '9901AB',
      houseNumberFrom: 1,
      houseNumberTo: 49,
      neighbourhoodCode: 'BU99010101',
    });
  });

  it('when it is a PC4, then it is a row too (the fallback)', () => {
    expect(parse('9901;1;99999;BU99010101')).toMatchObject({ postcode: '9901' });
  });

  it.each([
    ['9901AB;1;49', "expected 4 fields separated by ';', found 3"],
    ['0901AB;1;49;BU99010101', "'0901AB' is not a PC6 or PC4 postcode"],
    ['9901A;1;49;BU99010101', "'9901A' is not a PC6 or PC4 postcode"],
    ['9901AB;0;49;BU99010101', "house number from '0' is not a number from 1 to 99999"],
    ['9901AB;1;x;BU99010101', "house number to 'x' is not a number from 1 to 99999"],
    ['9901AB;50;49;BU99010101', 'house number from 50 is above to 49'],
    ['9901AB;1;49;WK990101', "'WK990101' is not a neighbourhood code (BU + 8 digits)"],
    ['9901AB;1;49;BU99019999', 'neighbourhood BU99019999 does not exist'],
  ])('when the line is %s, then it is refused with its line number: %s', (line, reason) => {
    expect(parse(line)).toEqual({ line: 7, reason });
  });

  it('when a field is quoted, then it is read as CSV reads it', () => {
    expect(parse('"9901AB";"1";49;BU99010101')).toMatchObject({ postcode: '9901AB', houseNumberFrom: 1 });
  });

  it('when a field holds a control character, then the line is refused naming it, not the value', () => {
    expect(parse('9901AB;1;49;BU9901\u00000101')).toEqual({
      line: 7,
      reason: 'a field holds the control character U+0000',
    });
  });

  it('recognises the optional header', () => {
    expect(isHeader('postcode;house number from;to;neighbourhood code')).toBe(true);
    expect(isHeader('9901AB;1;49;BU99010101')).toBe(false);
  });
});

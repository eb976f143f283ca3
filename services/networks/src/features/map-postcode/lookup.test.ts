import { describe, expect, it } from 'vitest';
import { neighbourhoodOf, type PostcodeRangeRow } from './lookup.ts';

const row = (postcode: string, from: number, to: number, neighbourhoodCode: string): PostcodeRangeRow => ({
  postcode,
  houseNumberFrom: from,
  houseNumberTo: to,
  neighbourhoodCode,
});

describe('postcode and house number to neighbourhood', () => {
  const map = [
    row('9901AB', 1, 49, 'BU99010101'),
    row('9901AB', 50, 99, 'BU99010102'),
    row('9901', 1, 99999, 'BU99010103'),
  ];

  it('when a PC6 range holds the house number, then that range decides', () => {
    expect(neighbourhoodOf(map, '9901AB', 12)).toBe('BU99010101');
    expect(neighbourhoodOf(map, '9901AB', 50)).toBe('BU99010102');
    expect(neighbourhoodOf(map, '9901AB', 49)).toBe('BU99010101');
  });

  it('when the PC6 has no range for the number, then the PC4 is the fallback', () => {
    expect(neighbourhoodOf(map, '9901AB', 120)).toBe('BU99010103');
  });

  it('when only the PC4 is mapped, then it decides for every PC6 in it', () => {
    expect(neighbourhoodOf(map, '9901ZZ', 3)).toBe('BU99010103');
  });

  it('when neither PC6 nor PC4 is mapped, then there is no neighbourhood', () => {
    expect(neighbourhoodOf(map, '9902AB', 3)).toBeUndefined();
    expect(neighbourhoodOf([row('9901AB', 1, 9, 'BU99010101')], '9901AB', 10)).toBeUndefined();
  });

  it('when ranges of one postcode overlap, then the narrowest wins', () => {
    const carved = [row('9901AB', 1, 99, 'BU99010101'), row('9901AB', 20, 30, 'BU99010102')];
    expect(neighbourhoodOf(carved, '9901AB', 25)).toBe('BU99010102');
    expect(neighbourhoodOf(carved, '9901AB', 31)).toBe('BU99010101');
  });
});

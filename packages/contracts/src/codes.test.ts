import { describe, expect, it } from 'vitest';
import { ageBandOn } from './codes.ts';

describe('age band', () => {
  const today = '2026-11-23';
  it.each([
    ['2014-11-24', 'under_12'],
    ['2014-11-23', '12_to_17'],
    ['2008-11-24', '12_to_17'],
    ['2008-11-23', '18_to_26'],
    ['1959-11-23', '67_and_over'],
    ['1959-11-24', '27_to_66'],
  ])('born %s is %s on 2026-11-23', (born, band) => {
    expect(ageBandOn(born, today)).toBe(band);
  });

  it('puts the age in the band it reaches on its birthday, not the day before', () => {
    expect(ageBandOn('2008-12-02', '2026-12-01')).toBe('12_to_17');
    expect(ageBandOn('2008-12-02', '2026-12-02')).toBe('18_to_26');
    expect(ageBandOn('2020-01-01', '2026-12-02')).toBe('under_12');
    expect(ageBandOn('1960-06-01', '2026-12-02')).toBe('27_to_66');
  });
});

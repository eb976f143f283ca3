import { describe, expect, it } from 'vitest';
import { type Coverage, decideRouting } from './decide.ts';

const item = { kind: 'signal', id: '6b0f6d1e-5b8a-4a57-9d43-0a4a1f1c2b3d' } as const;
const now = new Date('2026-11-23T09:00:00Z'); // a Monday
const team = (prefix: string, name: string, active = true): Coverage => ({
  postcodePrefix: prefix,
  teamId: `00000000-0000-4000-8000-${name.padStart(12, '0')}`,
  teamName: name,
  teamActive: active,
});

describe('routing by postcode (walking-skeleton rule)', () => {
  it('when a team covers the PC4 area, then that team gets the item with a five-working-day deadline', () => {
    const outcome = decideRouting({ item, postcode: '1091AB', coverage: [team('1091', '1')], now });
    expect(outcome).toMatchObject({
      outcome: 'decided',
      teamId: team('1091', '1').teamId,
      ruleId: 'postcode:1091',
      deadline: '2026-11-30',
    });
  });

  it('when one team covers the exact PC6 and another the PC4, then the PC6 team wins', () => {
    const outcome = decideRouting({
      item,
      postcode: '1091AB',
      coverage: [team('1091', '1'), team('1091AB', '2')],
      now,
    });
    expect(outcome).toMatchObject({ outcome: 'decided', teamId: team('1091AB', '2').teamId });
  });

  it('when the PC6 team is inactive, then the PC4 team is chosen', () => {
    const outcome = decideRouting({
      item,
      postcode: '1091AB',
      coverage: [team('1091AB', '2', false), team('1091', '1')],
      now,
    });
    expect(outcome).toMatchObject({ outcome: 'decided', teamId: team('1091', '1').teamId });
  });

  it('when nobody covers the area, then routing fails for the coordinator', () => {
    expect(decideRouting({ item, postcode: '9999ZZ', coverage: [], now })).toMatchObject({
      outcome: 'failed',
      reason: 'no_neighbourhood_for_address',
    });
  });

  it('when only inactive teams cover the area, then routing fails and says so', () => {
    expect(decideRouting({ item, postcode: '1091AB', coverage: [team('1091', '1', false)], now })).toMatchObject({
      outcome: 'failed',
      reason: 'no_matching_rule',
    });
  });
});

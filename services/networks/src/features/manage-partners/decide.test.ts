import { describe, expect, it } from 'vitest';
import { assertMayWritePartner, mayReadPartner } from './decide.ts';

const admin = { kind: 'admin' as const };
const coordinator = { kind: 'coordinator' as const, municipalityCode: 'GM9901' };
const local = { partnerId: 'woonstichting', kind: 'landlord', municipalityCodes: ['GM9901'] };
const shared = { partnerId: 'energie', kind: 'energy', municipalityCodes: ['GM9901', 'GM9902'] };
const elsewhere = { partnerId: 'school', kind: 'school', municipalityCodes: ['GM9902'] };

const refusal = (act: () => void) => {
  try {
    act();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('who may write a partner', () => {
  it('when a coordinator writes a partner of its own municipality only, then it may', () => {
    expect(refusal(() => assertMayWritePartner(coordinator, undefined, local))).toBeUndefined();
    expect(refusal(() => assertMayWritePartner(coordinator, local, { ...local }))).toBeUndefined();
  });

  it('when a coordinator adds another municipality or changes a shared partner, then an admin must do it', () => {
    expect(refusal(() => assertMayWritePartner(coordinator, undefined, shared))).toBe('NOT_YOUR_MUNICIPALITY');
    const narrowed = { ...shared, municipalityCodes: ['GM9901'] };
    expect(refusal(() => assertMayWritePartner(coordinator, shared, narrowed))).toBe('NOT_YOUR_MUNICIPALITY');
    expect(refusal(() => assertMayWritePartner(admin, shared, narrowed))).toBeUndefined();
  });

  it("when a coordinator writes another municipality's partner, then it does not exist for it", () => {
    expect(refusal(() => assertMayWritePartner(coordinator, elsewhere, { ...elsewhere }))).toBe('PARTNER_NOT_FOUND');
    // Not even a kind change tells it the partner exists.
    expect(refusal(() => assertMayWritePartner(coordinator, elsewhere, { ...local, kind: 'energy' }))).toBe(
      'PARTNER_NOT_FOUND',
    );
    expect(mayReadPartner(coordinator, elsewhere)).toBe(false);
    expect(mayReadPartner(coordinator, shared)).toBe(true);
    expect(mayReadPartner(admin, elsewhere)).toBe(true);
  });

  it('when anyone changes the kind of a partner, then it is refused', () => {
    expect(refusal(() => assertMayWritePartner(admin, local, { ...local, kind: 'energy' }))).toBe('PARTNER_KIND_FIXED');
  });
});

import type { Principal } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';

export interface PartnerState {
  partnerId: string;
  kind: string;
  municipalityCodes: string[];
}

/**
 * Whether the caller may write this partner. An admin may write any. A
 * coordinator works for one municipality: it may write a partner that is
 * only in that municipality's network, before and after the change. A
 * partner shared with other municipalities (a national energy company, a
 * health insurer) is changed by an admin, so one municipality cannot take
 * it out of another's network. A partner never changes its kind: the kind
 * is what its tokens may do. Pure; throws the domain error.
 */
export function assertMayWritePartner(
  caller: Pick<Principal, 'kind' | 'municipalityCode'>,
  existing: PartnerState | undefined,
  next: { kind: string; municipalityCodes: string[] },
): void {
  if (caller.kind !== 'admin') {
    const own = caller.municipalityCode;
    if (existing && !existing.municipalityCodes.includes(own ?? '')) {
      // Not in the coordinator's network: not theirs to know about.
      throw new DomainError('PARTNER_NOT_FOUND', `no partner ${existing.partnerId}`);
    }
    const foreign = [...(existing?.municipalityCodes ?? []), ...next.municipalityCodes].filter((code) => code !== own);
    if (foreign.length > 0) {
      throw new DomainError(
        'NOT_YOUR_MUNICIPALITY',
        `the partner is in the network of ${[...new Set(foreign)].join(', ')}: an admin changes it`,
      );
    }
  }
  if (existing && existing.kind !== next.kind) {
    throw new DomainError('PARTNER_KIND_FIXED', `partner ${existing.partnerId} is a ${existing.kind}`);
  }
}

/** Whether the caller may read the partner; a coordinator only one in its own network. */
export const mayReadPartner = (caller: Pick<Principal, 'kind' | 'municipalityCode'>, partner: PartnerState) =>
  caller.kind === 'admin' || partner.municipalityCodes.includes(caller.municipalityCode ?? '');

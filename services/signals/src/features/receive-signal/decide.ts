import type { SignalRequest } from '@vangnet/contracts/http/signals';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import type { AmountBand, SignalType } from '@vangnet/contracts/signals';
import { DomainError } from '@vangnet/platform/problem';

export interface Partner {
  id: string;
  kind: OrganisationKind;
}

export interface AcceptedSignal {
  id: string;
  partnerId: string;
  partnerKind: OrganisationKind;
  reference: string;
  type: SignalType;
  status: 'received';
  postcode: string;
  houseNumber: number;
  houseNumberAddition: string | null;
  arrearsCents: number;
  arrearsSince: string;
  receivedAt: Date;
}

/** Which signal types each kind of partner may send: its own creditor type only. */
const allowedTypes: Partial<Record<OrganisationKind, readonly SignalType[]>> = {
  landlord: ['rent'],
  energy: ['energy'],
  water: ['water'],
  health_insurer: ['health_insurance'],
};

const BAND_LIMITS: [maxCents: number, band: AmountBand][] = [
  [500_00, 'under_500'],
  [2_000_00, '500_to_2000'],
  [5_000_00, '2000_to_5000'],
];

/** Coarse enough to route on, too coarse to recognise a household by. */
export function amountBand(cents: number): AmountBand {
  for (const [max, band] of BAND_LIMITS) if (cents < max) return band;
  return 'over_5000';
}

const toCents = (euros: number) => Math.round(euros * 100);

/**
 * Decides whether a partner's signal is taken in. Pure: the caller supplies
 * the new id and the clock, and stores what comes back.
 */
export function decideReceiveSignal(command: {
  partner: Partner;
  request: SignalRequest;
  signalId: string;
  now: Date;
}): AcceptedSignal {
  const { partner, request, now } = command;
  if (!allowedTypes[partner.kind]?.includes(request.type)) {
    throw new DomainError('SIGNAL_TYPE_NOT_ALLOWED', `a ${partner.kind} partner cannot send ${request.type} signals`);
  }
  const today = now.toISOString().slice(0, 10);
  if (request.arrears.since > today) {
    throw new DomainError('SIGNAL_INVALID', 'arrears cannot start in the future', [
      { in: 'body', pointer: '/arrears/since', code: 'in_future', detail: `must be ${today} or earlier` },
    ]);
  }
  return {
    id: command.signalId,
    partnerId: partner.id,
    partnerKind: partner.kind,
    reference: request.reference,
    type: request.type,
    status: 'received',
    postcode: request.address.postcode,
    houseNumber: request.address.houseNumber,
    houseNumberAddition: request.address.houseNumberAddition ?? null,
    arrearsCents: toCents(request.arrears.amount),
    arrearsSince: request.arrears.since,
    receivedAt: now,
  };
}

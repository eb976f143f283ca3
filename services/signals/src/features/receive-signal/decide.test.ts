import type { SignalRequest } from '@vangnet/contracts/http/signals';
import { DomainError } from '@vangnet/platform/problem';
import { describe, expect, it } from 'vitest';
import { amountBand, decideReceiveSignal } from './decide.ts';

const now = new Date('2026-11-23T10:00:00Z');
const landlord = { id: 'woonstichting-de-haven', kind: 'landlord' } as const;
const request = (overrides: Partial<SignalRequest> = {}): SignalRequest => ({
  type: 'rent',
  reference: 'HUUR-2026-0001',
  address: { postcode: '9901AB', houseNumber: 12 },
  arrears: { amount: 612.5, since: '2026-09-01' },
  ...overrides,
});

const rejection = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
};

describe('receiving a signal', () => {
  it('when a landlord sends a rent signal, then it is taken in with the amount in cents', () => {
    const signal = decideReceiveSignal({ partner: landlord, request: request(), signalId: 'id-1', now });
    expect(signal).toMatchObject({
      id: 'id-1',
      partnerId: landlord.id,
      type: 'rent',
      status: 'received',
      postcode: '9901AB',
      arrearsCents: 61250,
      arrearsSince: '2026-09-01',
      houseNumberAddition: null,
    });
  });

  it('when a landlord sends an energy signal, then it is refused: each partner sends its own creditor type', () => {
    const error = rejection(() =>
      decideReceiveSignal({ partner: landlord, request: request({ type: 'energy' }), signalId: 'id-1', now }),
    );
    expect(error.code).toBe('SIGNAL_TYPE_NOT_ALLOWED');
  });

  it('when the arrears start tomorrow, then the signal is refused naming the field', () => {
    const error = rejection(() =>
      decideReceiveSignal({
        partner: landlord,
        request: request({ arrears: { amount: 100, since: '2026-11-24' } }),
        signalId: 'id-1',
        now,
      }),
    );
    expect(error.code).toBe('SIGNAL_INVALID');
    expect(error.errors).toEqual([expect.objectContaining({ pointer: '/arrears/since', code: 'in_future' })]);
  });

  it('when the arrears start today, then the signal is taken in', () => {
    const signal = decideReceiveSignal({
      partner: landlord,
      request: request({ arrears: { amount: 100, since: '2026-11-23' } }),
      signalId: 'id-1',
      now,
    });
    expect(signal.arrearsSince).toBe('2026-11-23');
  });

  it('converts euros with two decimals to whole cents without float drift', () => {
    const signal = decideReceiveSignal({
      partner: landlord,
      request: request({ arrears: { amount: 1234.57, since: '2026-09-01' } }),
      signalId: 'id-1',
      now,
    });
    expect(signal.arrearsCents).toBe(123457);
  });
});

describe('amount bands in events', () => {
  it.each([
    [1, 'under_500'],
    [49_999, 'under_500'],
    [50_000, '500_to_2000'],
    [199_999, '500_to_2000'],
    [200_000, '2000_to_5000'],
    [499_999, '2000_to_5000'],
    [500_000, 'over_5000'],
  ])('%i cents falls in band %s', (cents, band) => {
    expect(amountBand(cents)).toBe(band);
  });
});

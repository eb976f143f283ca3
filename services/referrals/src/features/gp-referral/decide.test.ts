import type { GpReferralRequest } from '@vangnet/contracts/http/referrals';
import { describe, expect, it } from 'vitest';
import { validateGpReferral } from './decide.ts';

const now = new Date('2026-12-02T10:00:00Z');
const request = (overrides: Partial<GpReferralRequest> = {}): GpReferralRequest => ({
  patient: {
    givenName: 'Jan',
    familyName: 'Jansen',
    dateOfBirth: '1950-03-14',
    phone: '+31612345678',
    address: { postcode: '9901AB', houseNumber: 3 },
  },
  concern: { codes: ['loneliness'], icpc: 'Z68' },
  urgency: 'regular',
  referrer: { name: 'Dr. de Boer', role: 'gp', phone: '0201234567' },
  consent: {
    given: true,
    recordedBy: 'Dr. de Boer',
    recordedAt: '2026-12-02T09:30:00Z',
    purposes: ['referral_to_welfare_coach', 'share_with_team', 'feedback_to_referrer'],
  },
  ...overrides,
});

describe('a GP referral before it is taken in', () => {
  it('when the patient consented to the referral, then it is taken in with an age band', () => {
    expect(validateGpReferral(request(), now)).toEqual({ ageBand: '67_and_over' });
  });

  it.each([
    ['no consent at all', { consent: undefined }, '/consent'],
    [
      'consent refused',
      {
        consent: {
          given: false,
          recordedBy: 'X',
          recordedAt: '2026-12-02T09:00:00Z',
          purposes: ['referral_to_welfare_coach' as const, 'share_with_team' as const],
        },
      },
      '/consent/given',
    ],
    [
      'no consent to share the details with the team',
      {
        consent: {
          given: true,
          recordedBy: 'X',
          recordedAt: '2026-12-02T09:00:00Z',
          purposes: ['referral_to_welfare_coach' as const, 'feedback_to_referrer' as const],
        },
      },
      '/consent/purposes',
    ],
  ])('when there is %s, then it is refused as REFERRAL_CONSENT_REQUIRED naming the field', (_, overrides, pointer) => {
    expect(() => validateGpReferral(request(overrides as Partial<GpReferralRequest>), now)).toThrow(
      expect.objectContaining({ code: 'REFERRAL_CONSENT_REQUIRED', errors: [expect.objectContaining({ pointer })] }),
    );
  });

  it('when the consent covers neither the referral nor sharing with the team, then each missing purpose is named', () => {
    const onlyFeedback = request({
      consent: {
        given: true,
        recordedBy: 'X',
        recordedAt: '2026-12-02T09:00:00Z',
        purposes: ['feedback_to_referrer'],
      },
    });
    expect(() => validateGpReferral(onlyFeedback, now)).toThrow(
      expect.objectContaining({
        code: 'REFERRAL_CONSENT_REQUIRED',
        errors: [
          expect.objectContaining({
            pointer: '/consent/purposes',
            detail: expect.stringContaining('referral_to_welfare_coach'),
          }),
          expect.objectContaining({ pointer: '/consent/purposes', detail: expect.stringContaining('share_with_team') }),
        ],
      }),
    );
  });

  it('when the consent is dated after now or the birth date is in the future, then it is refused with each field', () => {
    const invalid = request({
      patient: { ...request().patient, dateOfBirth: '2027-01-01' },
      consent: {
        ...(request().consent as NonNullable<GpReferralRequest['consent']>),
        recordedAt: '2026-12-02T11:00:00Z',
      },
    });
    expect(() => validateGpReferral(invalid, now)).toThrow(
      expect.objectContaining({
        code: 'REFERRAL_INVALID',
        errors: [
          expect.objectContaining({ pointer: '/consent/recordedAt' }),
          expect.objectContaining({ pointer: '/patient/dateOfBirth' }),
        ],
      }),
    );
  });
});

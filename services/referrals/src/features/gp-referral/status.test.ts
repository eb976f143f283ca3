import { describe, expect, it } from 'vitest';
import { gpFeedbackOf, gpStatusOf, type ReferralOfRequest } from './status.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 10, minute));
const referral = (overrides: Partial<ReferralOfRequest>): ReferralOfRequest => ({
  status: 'routed',
  acceptedAt: null,
  firstContactAt: null,
  endedAt: null,
  closingResult: null,
  createdAt: at(0),
  ...overrides,
});

describe('what the referring GP sees', () => {
  it('received before routing, routed once a team has it', () => {
    expect(gpStatusOf([], null)).toEqual({ status: 'received' });
    expect(gpStatusOf([referral({})], null)).toEqual({ status: 'routed' });
  });

  it('accepted, then first contact made, then closed with the outcome', () => {
    expect(gpStatusOf([referral({ status: 'accepted', acceptedAt: at(1) })], null)).toEqual({
      status: 'accepted',
      acceptedAt: at(1),
    });
    expect(
      gpStatusOf([referral({ status: 'in_progress', acceptedAt: at(1), firstContactAt: at(2) })], null),
    ).toMatchObject({ status: 'first_contact_made', firstContactAt: at(2) });
    expect(
      gpStatusOf(
        [
          referral({
            status: 'closed',
            acceptedAt: at(1),
            firstContactAt: at(2),
            endedAt: at(3),
            closingResult: 'follow_up_non_financial',
          }),
        ],
        null,
      ),
    ).toEqual({
      status: 'closed',
      outcome: 'follow_up_non_financial',
      acceptedAt: at(1),
      firstContactAt: at(2),
      closedAt: at(3),
    });
  });

  it('a decline followed by a new team shows routed, never the decline', () => {
    const declined = referral({ status: 'declined', endedAt: at(1) });
    expect(gpStatusOf([declined, referral({ createdAt: at(2) })], null)).toEqual({ status: 'routed' });
    expect(gpStatusOf([declined], null)).toEqual({ status: 'routed' });
  });

  it('declined everywhere: the coordinator has it', () => {
    const declined = referral({ status: 'declined', endedAt: at(1) });
    const expired = referral({ status: 'expired', endedAt: at(2) });
    expect(gpStatusOf([declined, expired], at(3))).toEqual({ status: 'with_coordinator' });
  });
});

describe('what the GP sees without the patient’s consent to feedback', () => {
  it('only received, however far the referral went, and no outcome', () => {
    const closed = referral({
      status: 'closed',
      acceptedAt: at(1),
      firstContactAt: at(2),
      endedAt: at(3),
      closingResult: 'quick_fix',
    });
    expect(gpFeedbackOf({ consentFeedbackToReferrer: false, handedToCoordinatorAt: null }, [closed])).toEqual({
      status: 'received',
    });
    expect(gpFeedbackOf({ consentFeedbackToReferrer: false, handedToCoordinatorAt: at(4) }, [])).toEqual({
      status: 'received',
    });
    expect(gpFeedbackOf({ consentFeedbackToReferrer: true, handedToCoordinatorAt: null }, [closed])).toMatchObject({
      status: 'closed',
      outcome: 'quick_fix',
    });
  });
});

import { closingResults, declineReasons } from '@vangnet/contracts/codes';
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  type Command,
  isActive,
  type ReferralAction,
  type ReferralStatus,
  referralActions,
  referralStatuses,
  resultsWithoutContact,
  TransitionNotAllowed,
  transition,
} from './state-machine.ts';

const commandFor = (action: ReferralAction): Command => {
  switch (action) {
    case 'decline':
      return { action, reason: 'no_capacity' };
    case 'close':
      return { action, result: 'referred_without_contact' };
    default:
      return { action };
  }
};

/** The lifecycle as the shared design and DOMAIN.md describe it, written out cell by cell. */
const expected: [ReferralStatus, ReferralAction, ReferralStatus][] = [
  ['routed', 'accept', 'accepted'],
  ['routed', 'decline', 'declined'],
  ['routed', 'expire', 'expired'],
  ['routed', 'transfer', 'transferred'],
  ['accepted', 'record_contact', 'in_progress'],
  ['accepted', 'close', 'closed'],
  ['accepted', 'transfer', 'transferred'],
  ['in_progress', 'record_contact', 'in_progress'],
  ['in_progress', 'close', 'closed'],
  ['in_progress', 'transfer', 'transferred'],
];
const isAllowed = (status: ReferralStatus, action: ReferralAction) =>
  expected.some(([from, act]) => from === status && act === action);
const illegal = referralStatuses.flatMap((status) =>
  referralActions.filter((action) => !isAllowed(status, action)).map((action) => [status, action] as const),
);

describe('referral lifecycle', () => {
  it.each(expected)('when a %s referral gets %s, then it becomes %s', (from, action, to) => {
    expect(transition(from, commandFor(action))).toBe(to);
  });

  it('checks every one of the 7 x 6 status and action pairs', () => {
    expect(expected.length + illegal.length).toBe(referralStatuses.length * referralActions.length);
  });

  it.each(illegal)('when a %s referral gets %s, then it is refused naming what is allowed', (from, action) => {
    let refused: unknown;
    try {
      transition(from, commandFor(action));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(TransitionNotAllowed);
    const error = refused as TransitionNotAllowed;
    expect(error.code).toBe('REFERRAL_TRANSITION_NOT_ALLOWED');
    expect(error.status).toBe(from);
    expect(error.allowed).toEqual(allowedActions(from));
    for (const allowed of error.allowed) expect(error.message).toContain(allowed);
  });

  it('offers a person the actions of the status, never the timer-only expire', () => {
    expect(allowedActions('routed')).toEqual(['accept', 'decline', 'transfer']);
    expect(allowedActions('accepted')).toEqual(['transfer', 'record_contact', 'close']);
    expect(allowedActions('in_progress')).toEqual(['transfer', 'record_contact', 'close']);
    for (const ended of ['declined', 'expired', 'transferred', 'closed'] as const) {
      expect(allowedActions(ended)).toEqual([]);
    }
  });

  it.each(declineReasons)('a routed referral can be declined for reason %s', (reason) => {
    expect(transition('routed', { action: 'decline', reason })).toBe('declined');
  });

  it.each(closingResults)('an in-progress referral can be closed with result %s', (result) => {
    expect(transition('in_progress', { action: 'close', result })).toBe('closed');
  });

  it.each(resultsWithoutContact)('an accepted referral without contact can be closed with result %s', (result) => {
    expect(transition('accepted', { action: 'close', result })).toBe('closed');
  });

  it.each(['quick_fix', 'follow_up_financial', 'follow_up_non_financial', 'no_contact_final'] as const)(
    'an accepted referral without any contact attempt cannot be closed with result %s',
    (result) => {
      expect(() => transition('accepted', { action: 'close', result })).toThrow(
        expect.objectContaining({
          code: 'CLOSING_RESULT_NEEDS_CONTACT',
          errors: [expect.objectContaining({ pointer: '/result' })],
        }),
      );
    },
  );

  it('counts a referral as held by its team while routed, accepted or in progress only', () => {
    expect(referralStatuses.filter(isActive)).toEqual(['routed', 'accepted', 'in_progress']);
  });
});

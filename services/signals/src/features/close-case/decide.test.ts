import { describe, expect, it } from 'vitest';
import { decideCaseClosing } from './decide.ts';

const closedAt = new Date('2026-11-23T10:00:00Z');

describe('closing a case when its referral closes', () => {
  it('when an open case is closed as deceased, then its signals tell the partner deceased', () => {
    expect(decideCaseClosing({ id: 'c-1', status: 'open' }, 'deceased', closedAt)?.signals).toMatchObject({
      status: 'closed',
      closingResult: 'deceased',
      feedbackStatus: 'deceased',
    });
  });

  it('when it is closed with follow-up help, then the partner learns only picked_up', () => {
    expect(
      decideCaseClosing({ id: 'c-1', status: 'open' }, 'follow_up_financial', closedAt)?.signals.feedbackStatus,
    ).toBe('picked_up');
  });

  it('when no contact could be made, then the partner learns only not_picked_up', () => {
    expect(decideCaseClosing({ id: 'c-1', status: 'open' }, 'no_contact_final', closedAt)?.signals.feedbackStatus).toBe(
      'not_picked_up',
    );
  });

  it('when the case is already closed or unknown, then nothing changes', () => {
    expect(decideCaseClosing({ id: 'c-1', status: 'closed' }, 'quick_fix', closedAt)).toBeNull();
    expect(decideCaseClosing(null, 'quick_fix', closedAt)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { escalationDateOf, timersOf } from './decide.ts';

describe('the timers of a new referral', () => {
  it('when the decision names the instants (a deadline in minutes), then those are the timers', () => {
    expect(
      timersOf('2026-12-04', '2026-12-04', {
        expiresAt: '2026-12-04T09:05:00.000Z',
        escalatesAt: '2026-12-04T09:15:00.000Z',
      }),
    ).toEqual({ expiresAt: new Date('2026-12-04T09:05:00.000Z'), escalatesAt: new Date('2026-12-04T09:15:00.000Z') });
  });

  it('when the decision carries an escalation date, then that date is kept as it is', () => {
    expect(
      escalationDateOf(
        { deadline: '2026-12-04', decidedAt: '2026-11-30T09:00:00Z', escalatesOn: '2026-12-18' },
        '2027-01-01',
      ),
    ).toBe('2026-12-18');
  });

  it('when it lacks one but the item had a referral before, then the earlier escalation date holds (counted from the first routing)', () => {
    expect(escalationDateOf({ deadline: '2026-12-10', decidedAt: '2026-12-03T09:00:00Z' }, '2026-12-18')).toBe(
      '2026-12-18',
    );
  });

  it('when it lacks one and is the first, then three times the deadline in working days is counted from the decision day', () => {
    // Monday 30 Nov + 4 working days = Friday 4 Dec; 12 working days = Wednesday 16 Dec.
    expect(escalationDateOf({ deadline: '2026-12-04', decidedAt: '2026-11-30T09:00:00Z' }, undefined)).toBe(
      '2026-12-16',
    );
    // Decided on a Saturday: counting starts on Monday, and Christmas is skipped.
    expect(escalationDateOf({ deadline: '2026-12-21', decidedAt: '2026-12-12T10:00:00Z' }, undefined)).toBe(
      '2027-01-06',
    );
  });

  it('takes the decision day in Amsterdam: 23:30 UTC on Sunday is already Monday', () => {
    expect(escalationDateOf({ deadline: '2026-12-01', decidedAt: '2026-11-29T23:30:00Z' }, undefined)).toBe(
      '2026-12-03',
    );
  });

  it('expires at the start of the day after the deadline and escalates at the start of the escalation date, Amsterdam time', () => {
    expect(timersOf('2026-12-04', '2026-12-16')).toEqual({
      expiresAt: new Date('2026-12-04T23:00:00.000Z'),
      escalatesAt: new Date('2026-12-15T23:00:00.000Z'),
    });
    expect(timersOf('2026-06-30', '2026-07-15')).toEqual({
      expiresAt: new Date('2026-06-30T22:00:00.000Z'),
      escalatesAt: new Date('2026-07-14T22:00:00.000Z'),
    });
  });
});

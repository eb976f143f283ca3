import type { ReferralSummary } from '@vangnet/contracts/http/referrals';
import { describe, expect, it } from 'vitest';
import { inboxOrder, isOverdue, statusQuery } from './inbox.ts';

const referral = (id: string, fields: Partial<ReferralSummary>): ReferralSummary => ({
  id,
  teamId: '00000000-0000-4000-8000-000000000001',
  item: { kind: 'case', id },
  status: 'routed',
  deadline: '2026-12-10',
  escalatesOn: '2026-12-24',
  escalated: false,
  attempt: 1,
  explanation: '',
  createdAt: '2026-12-01T09:00:00.000Z',
  allowedActions: [],
  links: { self: '' },
  ...fields,
});

describe('inbox order', () => {
  it('when referrals differ in urgency and deadline, then crisis comes first, then urgent, each by the nearest deadline', () => {
    const ordered = inboxOrder([
      referral('regular-soon', { deadline: '2026-12-03' }),
      referral('crisis-late', { urgency: 'crisis', deadline: '2026-12-09' }),
      referral('urgent', { urgency: 'urgent', deadline: '2026-12-04' }),
      referral('crisis-soon', { urgency: 'crisis', deadline: '2026-12-02' }),
    ]);
    expect(ordered.map((entry) => entry.id)).toEqual(['crisis-soon', 'crisis-late', 'urgent', 'regular-soon']);
  });

  it('when the deadline passed and the referral is still not accepted, then it is overdue; once accepted it is not', () => {
    expect(isOverdue(referral('a', { deadline: '2026-12-01' }), '2026-12-02')).toBe(true);
    expect(isOverdue(referral('b', { deadline: '2026-12-02' }), '2026-12-02')).toBe(false);
    expect(isOverdue(referral('c', { deadline: '2026-12-01', status: 'accepted' }), '2026-12-02')).toBe(false);
  });

  it('when no status is chosen, then the inbox asks for the open statuses only', () => {
    expect(statusQuery(undefined)).toBe('routed,accepted,in_progress');
    expect(statusQuery('closed')).toBe('closed');
  });
});

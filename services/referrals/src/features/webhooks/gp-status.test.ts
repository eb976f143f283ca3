import { randomUUID } from 'node:crypto';
import { GpReferralStatusChanged } from '@vangnet/contracts/http/referrals';
import { describe, expect, it } from 'vitest';
import { gpStatusChangedData, gpStatusEventId, gpStatusToAnnounce } from './gp-status.ts';

const at = (iso: string) => new Date(iso);

describe('what the practice is told', () => {
  const closed = { status: 'closed' as const, outcome: 'quick_fix', closedAt: at('2026-11-25T12:00:00Z') };

  it('when the patient did not consent to feedback, then nothing, whatever the status', () => {
    expect(gpStatusToAnnounce(closed, null, false)).toBeUndefined();
    expect(gpStatusToAnnounce({ status: 'accepted' }, { status: 'routed', outcome: null }, false)).toBeUndefined();
  });

  it('when the status is the one announced last, then nothing', () => {
    expect(gpStatusToAnnounce({ status: 'routed' }, { status: 'routed', outcome: null }, true)).toBeUndefined();
    expect(gpStatusToAnnounce(closed, { status: 'closed', outcome: 'quick_fix' }, true)).toBeUndefined();
  });

  it('when nothing was announced and the request is only received, then nothing: the practice has its 201', () => {
    expect(gpStatusToAnnounce({ status: 'received' }, null, true)).toBeUndefined();
  });

  it('when the status or the outcome changed, then the new status', () => {
    expect(gpStatusToAnnounce({ status: 'routed' }, null, true)).toEqual({ status: 'routed' });
    expect(gpStatusToAnnounce(closed, { status: 'first_contact_made', outcome: null }, true)).toBe(closed);
    expect(gpStatusToAnnounce(closed, { status: 'closed', outcome: 'repeat' }, true)).toBe(closed);
  });

  it('when the data is built, then it holds the request id and the GP status only, valid by the contract', () => {
    const requestId = randomUUID();
    const data = gpStatusChangedData(requestId, { ...closed, acceptedAt: at('2026-11-21T09:00:00Z') });
    expect(data).toEqual({
      requestId,
      status: 'closed',
      outcome: 'quick_fix',
      acceptedAt: '2026-11-21T09:00:00.000Z',
      closedAt: '2026-11-25T12:00:00.000Z',
    });
    expect(GpReferralStatusChanged.parse(data)).toEqual(data);
  });

  it('when an event causes a status event, then its id is a stable UUID of its own, not the cause’s id', () => {
    const cause = randomUUID();
    expect(gpStatusEventId(cause)).toBe(gpStatusEventId(cause));
    expect(gpStatusEventId(cause)).not.toBe(cause);
    expect(gpStatusEventId(cause)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(gpStatusEventId(randomUUID())).not.toBe(gpStatusEventId(cause));
  });
});

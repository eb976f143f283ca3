import { describe, expect, it } from 'vitest';
import {
  afterAttempt,
  type BackoffPolicy,
  defaultBackoff,
  RETRY_WINDOW_MS,
  redelivery,
  retryDelayMs,
} from './backoff.ts';

const policy: BackoffPolicy = { initialMs: 30_000, maxMs: 3_600_000 };
const noJitter = () => 1;
const fullJitter = () => 0;

describe('webhook retry backoff', () => {
  it('when failures repeat, then the delay doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map((failures) => retryDelayMs(failures, policy, noJitter))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('when jitter draws, then the delay stays between half and all of the exponential delay', () => {
    expect(retryDelayMs(3, policy, fullJitter)).toBe(60_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(90_000);
    expect(retryDelayMs(3, policy, noJitter)).toBe(120_000);
  });

  it('when a receiver never answers, then the default schedule tries some thirty times in the 24 hours', () => {
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = afterAttempt(
        { ok: false },
        { attemptCount: attempts, retryUntil: new Date(RETRY_WINDOW_MS) },
        new Date(now),
        defaultBackoff,
        noJitter,
      );
      if (next.status !== 'pending') break;
      now = next.nextAttemptAt.getTime();
    }
    expect(now).toBe(RETRY_WINDOW_MS);
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(40);
  });
});

describe('what follows an attempt', () => {
  const retryUntil = new Date('2026-11-30T12:00:00Z');

  it('when the receiver answered 2xx, then the delivery is delivered', () => {
    expect(
      afterAttempt({ ok: true }, { attemptCount: 1, retryUntil }, new Date('2026-11-29T12:00:00Z'), policy, noJitter),
    ).toEqual({
      status: 'delivered',
    });
  });

  it('when it failed inside the window, then the next attempt is after the backoff delay', () => {
    expect(
      afterAttempt({ ok: false }, { attemptCount: 2, retryUntil }, new Date('2026-11-29T12:00:00Z'), policy, noJitter),
    ).toEqual({ status: 'pending', nextAttemptAt: new Date('2026-11-29T12:01:00Z') });
  });

  it('when the backoff would pass the end of the window, then the last attempt falls on the end', () => {
    expect(
      afterAttempt({ ok: false }, { attemptCount: 20, retryUntil }, new Date('2026-11-30T11:50:00Z'), policy, noJitter),
    ).toEqual({ status: 'pending', nextAttemptAt: retryUntil });
  });

  it('when the receiver answered 410 Gone, then the subscription retires, also at the end of the window', () => {
    const gone = { ok: false as const, statusCode: 410 };
    expect(
      afterAttempt(gone, { attemptCount: 1, retryUntil }, new Date('2026-11-29T12:00:00Z'), policy, noJitter),
    ).toEqual({ status: 'gone' });
    expect(afterAttempt(gone, { attemptCount: 30, retryUntil }, retryUntil, policy, noJitter)).toEqual({
      status: 'gone',
    });
  });

  it('when the receiver answered 429 with Retry-After, then the next attempt waits that long, or the backoff where it is longer', () => {
    const now = new Date('2026-11-29T12:00:00Z');
    const busy = (retryAfterMs: number | null) => ({ ok: false as const, statusCode: 429, retryAfterMs });
    // Backoff after the first failure: 30 s; the receiver asks for 10 minutes.
    expect(afterAttempt(busy(600_000), { attemptCount: 1, retryUntil }, now, policy, noJitter)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date('2026-11-29T12:10:00Z'),
    });
    // It asks for 5 s, less than the backoff's 30 s: the backoff stands.
    expect(afterAttempt(busy(5_000), { attemptCount: 1, retryUntil }, now, policy, noJitter)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date('2026-11-29T12:00:30Z'),
    });
    // Without a Retry-After, only the backoff.
    expect(afterAttempt(busy(null), { attemptCount: 2, retryUntil }, now, policy, noJitter)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date('2026-11-29T12:01:00Z'),
    });
  });

  it('when a Retry-After reaches past the window, then the last attempt falls on its end; a 0 still waits a second', () => {
    const late = new Date('2026-11-30T11:00:00Z');
    expect(
      afterAttempt(
        { ok: false, statusCode: 429, retryAfterMs: 7_200_000 },
        { attemptCount: 1, retryUntil },
        late,
        policy,
        noJitter,
      ),
    ).toEqual({ status: 'pending', nextAttemptAt: retryUntil });
    const quick = { initialMs: 10, maxMs: 10 };
    const now = new Date('2026-11-29T12:00:00Z');
    expect(
      afterAttempt(
        { ok: false, statusCode: 429, retryAfterMs: 0 },
        { attemptCount: 1, retryUntil },
        now,
        quick,
        noJitter,
      ),
    ).toEqual({ status: 'pending', nextAttemptAt: new Date('2026-11-29T12:00:01Z') });
  });

  it('when it failed at or after the end of the window, then the delivery is failed', () => {
    expect(afterAttempt({ ok: false }, { attemptCount: 30, retryUntil }, retryUntil, policy, noJitter)).toEqual({
      status: 'failed',
    });
  });

  it('when a delivery that failed many times is redelivered and fails again, then the retry waits the initial delay, not the cap', () => {
    const now = new Date('2026-11-29T03:00:00Z');
    const again = redelivery(now);
    expect(again).toEqual({
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: now,
      retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS),
    });
    const next = afterAttempt({ ok: false }, { ...again, attemptCount: again.attemptCount + 1 }, now, policy, noJitter);
    expect(next).toEqual({ status: 'pending', nextAttemptAt: new Date(now.getTime() + policy.initialMs) });
    // Without the reset the thirtieth failure would have waited the cap.
    expect(retryDelayMs(30, policy, noJitter)).toBe(policy.maxMs);
  });
});

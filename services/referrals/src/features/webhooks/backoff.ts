/**
 * When a failed delivery is tried again: exponential backoff with jitter,
 * within a fixed window (24 hours from creation or from a redelivery), after
 * which the delivery is marked failed. Pure: the clock and the random source
 * are passed in.
 */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface BackoffPolicy {
  /** Delay after the first failure, before jitter. */
  initialMs: number;
  /** No delay grows beyond this, so a receiver back after an outage waits at most this long. */
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 30_000, maxMs: 60 * 60 * 1000 };

/**
 * Delay after the `failures`-th failed attempt (1 for the first): half of the
 * exponential delay fixed, half random ("equal jitter"), so retries of many
 * deliveries to one recovering receiver spread out instead of arriving in
 * waves, while each delay still grows.
 */
export function retryDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/**
 * A delivery sent again on the owner's request: due now, a fresh window,
 * and the attempt count from zero, so a failure after it is retried after
 * the initial delay, not the longest one the earlier failures had reached.
 */
export function redelivery(now: Date) {
  return {
    status: 'pending' as const,
    attemptCount: 0,
    nextAttemptAt: now,
    retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS),
  };
}

export type AttemptResult = { ok: true } | { ok: false };

export type NextStep = { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };

/**
 * What follows an attempt. A failure is retried after the backoff delay, but
 * never later than the end of the window: the last attempt falls on the
 * window's end, and a failure at or after it marks the delivery failed.
 */
export function afterAttempt(
  result: AttemptResult,
  delivery: { attemptCount: number; retryUntil: Date },
  now: Date,
  policy: BackoffPolicy,
  random: () => number,
): NextStep {
  if (result.ok) return { status: 'delivered' };
  if (now.getTime() >= delivery.retryUntil.getTime()) return { status: 'failed' };
  const next = now.getTime() + retryDelayMs(delivery.attemptCount, policy, random);
  return { status: 'pending', nextAttemptAt: new Date(Math.min(next, delivery.retryUntil.getTime())) };
}

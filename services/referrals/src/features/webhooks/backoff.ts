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

export type AttemptResult = { ok: true } | { ok: false; statusCode?: number | null; retryAfterMs?: number | null };

export type NextStep =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'failed' }
  /** 410 Gone: the endpoint is gone for good; the subscription retires. */
  | { status: 'gone' };

/** The soonest a receiver's Retry-After brings the next attempt: a `0` must not make us hammer it. */
export const MIN_RETRY_AFTER_MS = 1_000;

/**
 * What follows an attempt. 410 Gone retires the subscription (no retry can
 * help). A failure is retried after the backoff delay, or when the
 * receiver's Retry-After (429, 503) says, whichever is later, but never
 * later than the end of the window: the last attempt falls on the window's
 * end, and a failure at or after it marks the delivery failed.
 */
export function afterAttempt(
  result: AttemptResult,
  delivery: { attemptCount: number; retryUntil: Date },
  now: Date,
  policy: BackoffPolicy,
  random: () => number,
): NextStep {
  if (result.ok) return { status: 'delivered' };
  if (result.statusCode === 410) return { status: 'gone' };
  if (now.getTime() >= delivery.retryUntil.getTime()) return { status: 'failed' };
  const backoff = retryDelayMs(delivery.attemptCount, policy, random);
  const asked = result.retryAfterMs == null ? 0 : Math.max(MIN_RETRY_AFTER_MS, result.retryAfterMs);
  const next = now.getTime() + Math.max(backoff, asked);
  return { status: 'pending', nextAttemptAt: new Date(Math.min(next, delivery.retryUntil.getTime())) };
}

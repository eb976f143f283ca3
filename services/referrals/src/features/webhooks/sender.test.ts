import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './sender.ts';

describe('Retry-After', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');

  it('when it gives seconds, then they are the delay', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
  });

  it('when it gives an HTTP date, then the delay runs to it; a date past is no delay', () => {
    expect(retryAfterMs('Sun, 29 Nov 2026 12:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('when it is absent or unreadable, then there is none', () => {
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
    expect(retryAfterMs('1.5', now)).toBeNull();
  });
});

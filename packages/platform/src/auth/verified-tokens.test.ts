import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './verified-tokens.ts';

const at = (seconds: number) => seconds * 1_000;

describe('verified tokens', () => {
  it('keeps a token until its own expiry when that comes before the maximum age', () => {
    let now = at(1_000);
    const cache = new VerifiedTokens<string>({ maxEntries: 10, maxAgeMs: 60_000, now: () => now });
    cache.set('token-a', 'partner-a', 1_030);
    expect(cache.get('token-a')).toBe('partner-a');
    now = at(1_029.999);
    expect(cache.get('token-a')).toBe('partner-a');
    now = at(1_030);
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a long-lived token no longer than the maximum age', () => {
    let now = at(1_000);
    const cache = new VerifiedTokens<string>({ maxEntries: 10, maxAgeMs: 60_000, now: () => now });
    cache.set('token-a', 'partner-a', 1_000 + 3_600);
    now = at(1_059);
    expect(cache.get('token-a')).toBe('partner-a');
    now = at(1_060);
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('never keeps a token that has expired already', () => {
    const cache = new VerifiedTokens<string>({ maxEntries: 10, maxAgeMs: 60_000, now: () => at(1_000) });
    cache.set('token-a', 'partner-a', 999);
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('answers only for the exact token string', () => {
    const cache = new VerifiedTokens<string>({ maxEntries: 10, maxAgeMs: 60_000, now: () => at(1_000) });
    cache.set('header.payload.signature', 'partner-a', 2_000);
    expect(cache.get('header.payload.signaturf')).toBeUndefined();
    expect(cache.get('header.payload.signature ')).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new VerifiedTokens<number>({ maxEntries: 3, maxAgeMs: 60_000, now: () => at(1_000) });
    for (let n = 1; n <= 4; n += 1) cache.set(`token-${n}`, n, 2_000);
    expect(cache.size).toBe(3);
    expect(cache.get('token-1')).toBeUndefined();
    expect([2, 3, 4].map((n) => cache.get(`token-${n}`))).toEqual([2, 3, 4]);
  });
});

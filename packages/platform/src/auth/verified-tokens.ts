/**
 * Tokens this process verified recently, with what they said. Checking a
 * token's signature costs an asynchronous WebCrypto call per request (a CPU
 * profile at 100 signals/s put it among signals' top costs), and a partner's
 * system sends the same token for every request until it expires. A hit is
 * the exact token string (signature included), so nothing unverified gets
 * in. Entries end at the token's own `exp` or after `maxAgeMs`, whichever is
 * sooner: a key the issuer withdraws stops being trusted within that time,
 * as with the JWKS cache. Bounded: the oldest entry goes first.
 */
export class VerifiedTokens<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();
  readonly #options: { maxEntries: number; maxAgeMs: number; now?: () => number };

  constructor(
    options: { maxEntries: number; maxAgeMs: number; now?: () => number } = { maxEntries: 1_000, maxAgeMs: 60_000 },
  ) {
    this.#options = options;
  }

  get(token: string): T | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** `expiresAt`: the token's `exp`, in seconds since the epoch. */
  set(token: string, value: T, expiresAt: number): void {
    const until = Math.min(expiresAt * 1_000, this.#now() + this.#options.maxAgeMs);
    if (until <= this.#now()) return;
    this.#entries.delete(token);
    while (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(token, { value, until });
  }

  get size(): number {
    return this.#entries.size;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}

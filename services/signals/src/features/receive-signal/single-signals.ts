import type { SignalRequest, SignalResponse } from '@vangnet/contracts/http/signals';
import type { Partner } from './decide.ts';
import type { IntakeResult, Trace } from './intake.ts';

/** The engine for one chunk of single signals, one result per request, in order (takeInSignals). */
export type TakeInChunk = (
  partner: Partner,
  requests: readonly SignalRequest[],
  traces: readonly Trace[],
) => Promise<IntakeResult[]>;

interface Waiting {
  request: SignalRequest;
  trace: Trace;
  resolve: (result: IntakeResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Single signals through the intake engine, in chunks (group commit): a
 * partner's signal that arrives while `chunksInFlight` of that partner's
 * chunks are being taken in waits for one of them to end, then goes in
 * with everything else that arrived meanwhile as the next chunk. A signal
 * that finds its partner idle goes in at once, alone: nothing waits on a
 * timer, so a quiet partner's signal is as fast as before, and a busy one's
 * signals share the chunk's few statements and its one commit instead of
 * each taking four round trips (`pnpm bench:signals`).
 *
 * The chunk decides its items in arrival order, as the engine decides a
 * batch, so two signals for one household still meet in one case and a
 * reference sent twice at once is taken in once (the second answers 200
 * with the first). Each item answers for itself: a rejection is its own,
 * and when a chunk of several fails as a whole (not a collision, which the
 * engine redoes), each of its signals is taken in again alone, so one
 * signal's failure is never another's.
 */
export class SingleSignals {
  readonly #engine: TakeInChunk;
  readonly #chunksInFlight: number;
  readonly #maxChunk: number;
  /** Per partner with a chunk in flight: how many, and who waits for the next. */
  readonly #partners = new Map<string, { inFlight: number; waiting: Waiting[] }>();

  constructor(engine: TakeInChunk, options: { chunksInFlight?: number; maxChunk?: number } = {}) {
    this.#engine = engine;
    this.#chunksInFlight = options.chunksInFlight ?? 2;
    this.#maxChunk = options.maxChunk ?? 100;
  }

  /** Takes one signal in; resolves once its chunk has committed. */
  takeIn(partner: Partner, request: SignalRequest, trace: Trace): Promise<IntakeResult> {
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { request, trace, resolve, reject };
      const state = this.#partners.get(partner.id) ?? { inFlight: 0, waiting: [] };
      this.#partners.set(partner.id, state);
      state.waiting.push(waiting);
      if (state.inFlight < this.#chunksInFlight) this.#next(partner, state);
    });
  }

  #next(partner: Partner, state: { inFlight: number; waiting: Waiting[] }): void {
    const chunk = state.waiting.splice(0, this.#maxChunk);
    if (chunk.length === 0) {
      if (state.inFlight === 0) this.#partners.delete(partner.id);
      return;
    }
    state.inFlight += 1;
    void this.#takeInChunk(partner, chunk).finally(() => {
      state.inFlight -= 1;
      this.#next(partner, state);
    });
  }

  async #takeInChunk(partner: Partner, chunk: Waiting[]): Promise<void> {
    let results: IntakeResult[];
    try {
      results = await this.#engine(
        partner,
        chunk.map((waiting) => waiting.request),
        chunk.map((waiting) => waiting.trace),
      );
    } catch (error) {
      if (chunk.length === 1) (chunk[0] as Waiting).reject(error);
      // Nothing of the chunk committed: each alone, so the failing one fails by itself.
      else for (const waiting of chunk) await this.#takeInChunk(partner, [waiting]);
      return;
    }
    for (const [index, waiting] of chunk.entries()) waiting.resolve(results[index] as IntakeResult);
  }
}

/** One signal: a rejection is thrown as its DomainError (a problem+json answer). */
export async function takeInSignal(
  singles: SingleSignals,
  partner: Partner,
  request: SignalRequest,
  trace: Trace,
): Promise<{ signal: SignalResponse; created: boolean }> {
  const result = await singles.takeIn(partner, request, trace);
  if (result.status === 'rejected') throw result.error;
  return { signal: result.signal, created: result.created };
}

import type { SignalRequest } from '@vangnet/contracts/http/signals';
import { describe, expect, it } from 'vitest';
import type { IntakeResult } from './intake.ts';
import { SingleSignals, type TakeInChunk } from './single-signals.ts';

const landlord = { id: 'landlord-1', kind: 'landlord' as const };
const insurer = { id: 'insurer-1', kind: 'health_insurer' as const };
const request = (reference: string) => ({ reference }) as unknown as SignalRequest;

const accepted = (reference: string): IntakeResult => ({
  status: 'accepted',
  created: true,
  signal: { id: `signal-${reference}` } as Extract<IntakeResult, { status: 'accepted' }>['signal'],
});

/** An engine whose chunks end when the test says so, recording what each chunk held. */
function heldEngine(fails: (reference: string) => boolean = () => false) {
  const chunks: { partner: string; references: string[]; traces: unknown[]; end: () => void }[] = [];
  const engine: TakeInChunk = (partner, requests, traces) =>
    new Promise((resolve, reject) => {
      const references = requests.map((item) => item.reference);
      chunks.push({
        partner: partner.id,
        references,
        traces: [...traces],
        end: () => (references.some(fails) ? reject(new Error('the chunk failed')) : resolve(references.map(accepted))),
      });
    });
  return { engine, chunks };
}

/** Lets the queue's promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('single signals taken in together', () => {
  it('when the partner is idle, then a signal goes in at once, alone', async () => {
    const { engine, chunks } = heldEngine();
    const singles = new SingleSignals(engine);
    const result = singles.takeIn(landlord, request('a'), { traceparent: 't-a' });
    expect(chunks.map((chunk) => chunk.references)).toEqual([['a']]);
    chunks[0]?.end();
    await expect(result).resolves.toMatchObject({ status: 'accepted', signal: { id: 'signal-a' } });
  });

  it('when signals arrive while the chunks in flight run, then they wait and go in as one chunk, each with its own trace', async () => {
    const { engine, chunks } = heldEngine();
    const singles = new SingleSignals(engine, { chunksInFlight: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((reference) =>
      singles.takeIn(landlord, request(reference), { traceparent: `t-${reference}` }),
    );
    expect(chunks.map((chunk) => chunk.references)).toEqual([['a'], ['b']]);
    chunks[0]?.end();
    await settle();
    expect(chunks.map((chunk) => chunk.references)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    expect(chunks[2]?.traces).toEqual([{ traceparent: 't-c' }, { traceparent: 't-d' }, { traceparent: 't-e' }]);
    chunks[1]?.end();
    chunks[2]?.end();
    const answered = await Promise.all(results);
    expect(answered.map((result) => result.status === 'accepted' && result.signal.id)).toEqual([
      'signal-a',
      'signal-b',
      'signal-c',
      'signal-d',
      'signal-e',
    ]);
  });

  it('when many wait, then a chunk holds at most maxChunk of them, in arrival order', async () => {
    const { engine, chunks } = heldEngine();
    const singles = new SingleSignals(engine, { chunksInFlight: 1, maxChunk: 2 });
    const results = ['a', 'b', 'c', 'd'].map((reference) => singles.takeIn(landlord, request(reference), {}));
    chunks[0]?.end();
    await settle();
    chunks[1]?.end();
    await settle();
    chunks[2]?.end();
    await Promise.all(results);
    expect(chunks.map((chunk) => chunk.references)).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it("when two partners send at once, then neither's signals wait for the other's nor share a chunk", () => {
    const { engine, chunks } = heldEngine();
    const singles = new SingleSignals(engine, { chunksInFlight: 1 });
    void singles.takeIn(landlord, request('a'), {});
    void singles.takeIn(insurer, request('b'), {});
    expect(chunks.map((chunk) => [chunk.partner, chunk.references])).toEqual([
      ['landlord-1', ['a']],
      ['insurer-1', ['b']],
    ]);
  });

  it("when a chunk of several fails, then each of its signals goes in again alone: only the failing one's answer is the error", async () => {
    const { engine, chunks } = heldEngine((reference) => reference === 'bad');
    const singles = new SingleSignals(engine, { chunksInFlight: 1 });
    const first = singles.takeIn(landlord, request('a'), {});
    const together = ['b', 'bad', 'c'].map((reference) => singles.takeIn(landlord, request(reference), {}));
    const answers = Promise.allSettled(together);
    chunks[0]?.end();
    await first;
    await settle();
    expect(chunks[1]?.references).toEqual(['b', 'bad', 'c']);
    chunks[1]?.end();
    for (const expected of [['b'], ['bad'], ['c']]) {
      await settle();
      const chunk = chunks.at(-1);
      expect(chunk?.references).toEqual(expected);
      chunk?.end();
    }
    const [b, bad, c] = await answers;
    expect(b).toMatchObject({ status: 'fulfilled', value: { status: 'accepted' } });
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('the chunk failed') });
    expect(c).toMatchObject({ status: 'fulfilled', value: { status: 'accepted' } });
  });

  it('when the last chunk of a partner ends, then the partner is idle again: its next signal goes in at once', async () => {
    const { engine, chunks } = heldEngine();
    const singles = new SingleSignals(engine, { chunksInFlight: 1 });
    const first = singles.takeIn(landlord, request('a'), {});
    chunks[0]?.end();
    await first;
    await settle();
    void singles.takeIn(landlord, request('b'), {});
    expect(chunks.map((chunk) => chunk.references)).toEqual([['a'], ['b']]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Log } from './log.ts';
import { failureForLog, type TickResult, Worker } from './worker.ts';

function recordingLog() {
  const entries: { level: string; object: object; message?: string }[] = [];
  const log: Log = {
    child: () => log,
    debug: (object, message) => entries.push({ level: 'debug', object, message }),
    info: (object, message) => entries.push({ level: 'info', object, message }),
    warn: (object, message) => entries.push({ level: 'warn', object, message }),
    error: (object, message) => entries.push({ level: 'error', object, message }),
  };
  return { log, entries };
}

/** A tick that answers from a script and counts its calls. */
function scripted(results: (TickResult | Error)[], fallback: TickResult = undefined) {
  const state = { calls: 0 };
  const tick = async (): Promise<TickResult> => {
    const result = results[state.calls] ?? fallback;
    state.calls += 1;
    if (result instanceof Error) throw result;
    return result;
  };
  return { state, tick };
}

describe('the worker shell', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks on start, again at once while more work waits, then after the idle wait', async () => {
    const { log } = recordingLog();
    const { state, tick } = scripted([true, true, false]);
    const worker = new Worker({ name: 'test', log, tick, idleMs: 1_000 });
    await worker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(999);
    expect(state.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.calls).toBe(4);
    await worker.stop();
  });

  it('waits as long as a tick asks, and a wake-up cuts the wait short', async () => {
    const { log } = recordingLog();
    const { state, tick } = scripted([5_000], 5_000);
    const worker = new Worker({ name: 'test', log, tick, idleMs: 1_000 });
    await worker.start();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(state.calls).toBe(1);
    worker.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.calls).toBe(2);
    await worker.stop();
  });

  it('waits the idle wait before its first tick when told to', async () => {
    const { log } = recordingLog();
    const { state, tick } = scripted([]);
    const worker = new Worker({ name: 'test', log, tick, idleMs: 1_000, tickOnStart: false });
    await worker.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(state.calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.calls).toBe(1);
    await worker.stop();
  });

  it('starts once however often start is called', async () => {
    const { log } = recordingLog();
    const { state, tick } = scripted([]);
    const worker = new Worker({ name: 'test', log, tick, idleMs: 1_000 });
    await Promise.all([worker.start(), worker.start()]);
    await worker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.calls).toBe(1);
    await worker.stop();
  });

  it('stop waits for the tick in hand and runs no tick after it', async () => {
    const { log } = recordingLog();
    let finish: () => void = () => undefined;
    let calls = 0;
    const worker = new Worker({
      name: 'test',
      log,
      idleMs: 1_000,
      tick: () => {
        calls += 1;
        return new Promise<TickResult>((resolve) => {
          finish = () => resolve(true);
        });
      },
    });
    await worker.start();
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    expect(worker.running).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });

  it('starts again after a stop, and a start during a stop waits for the tick in hand', async () => {
    const { log } = recordingLog();
    let inHand = 0;
    let overlapped = false;
    let finish: () => void = () => undefined;
    let calls = 0;
    const worker = new Worker({
      name: 'test',
      log,
      idleMs: 1_000,
      tick: () => {
        calls += 1;
        if (inHand > 0) overlapped = true;
        inHand += 1;
        return new Promise<TickResult>((resolve) => {
          finish = () => {
            inHand -= 1;
            resolve(false);
          };
        });
      },
    });
    await worker.start();
    const stopping = worker.stop();
    const starting = worker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    finish();
    await Promise.all([stopping, starting]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
    expect(worker.running).toBe(true);
    expect(overlapped).toBe(false);
    finish();
    await worker.stop();
  });

  it('backs off after failures, logs class and code only, and resets after a good tick', async () => {
    const { log, entries } = recordingLog();
    const failure = Object.assign(new TypeError('duplicate key for Jansen'), { code: 'P2002' });
    const { state, tick } = scripted([failure, failure, false, failure]);
    const worker = new Worker({ name: 'test job', log, tick, idleMs: 60_000, backoffMs: (n) => 100 * n });
    await worker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(state.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.calls).toBe(4);
    expect(entries.map((entry) => entry.object)).toEqual([
      { failure: { errorClass: 'TypeError', code: 'P2002' }, failures: 1, retryInMs: 100 },
      { failure: { errorClass: 'TypeError', code: 'P2002' }, failures: 2, retryInMs: 200 },
      { failure: { errorClass: 'TypeError', code: 'P2002' }, failures: 1, retryInMs: 100 },
    ]);
    expect(JSON.stringify(entries)).not.toContain('Jansen');
    expect(entries[0]).toMatchObject({ level: 'warn', message: 'test job failed; retrying' });
    await worker.stop();
  });

  it('keeps a wake-up during a backoff for later when the backoff is not wakeable', async () => {
    const { log } = recordingLog();
    const { state, tick } = scripted([new Error('down'), false]);
    const worker = new Worker({
      name: 'test',
      log,
      tick,
      idleMs: 60_000,
      backoffMs: () => 1_000,
      wakeDuringBackoff: false,
    });
    await worker.start();
    await vi.advanceTimersByTimeAsync(0);
    worker.wake();
    await vi.advanceTimersByTimeAsync(999);
    expect(state.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    // The backoff ran out (tick 2), and the kept wake-up ended the idle wait after it at once (tick 3).
    expect(state.calls).toBe(3);
    await worker.stop();
  });

  it('runs with injected timers', async () => {
    const { log } = recordingLog();
    const pending: (() => void)[] = [];
    const timers = {
      setTimeout: (callback: () => void) => pending.push(callback),
      clearTimeout: () => undefined,
    };
    const { state, tick } = scripted([]);
    const worker = new Worker({ name: 'test', log, tick, idleMs: 1_000, timers });
    await worker.start();
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    expect(state.calls).toBe(1);
    pending.shift()?.();
    await vi.waitFor(() => expect(state.calls).toBe(2));
    await worker.stop();
  });
});

describe('failureForLog', () => {
  it('names the class, code and SQL state, never the message', () => {
    const error = Object.assign(new Error('value (Jansen) already exists'), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2002',
      meta: { driverAdapterError: { cause: { originalCode: '23505' } } },
    });
    expect(failureForLog(error)).toEqual({
      errorClass: 'PrismaClientKnownRequestError',
      code: 'P2002',
      sqlState: '23505',
    });
    expect(failureForLog('boom')).toEqual({ errorClass: 'string' });
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** Summary of a latency sample in milliseconds, rounded to 0.01 ms. */
export interface Distribution {
  samples: number;
  mean: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentiles: with 5,000 samples p99.9 is the 5th largest, so read it as a rough tail. */
export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    samples: sorted.length,
    mean: round(mean),
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    p999: round(at(0.999)),
    max: round(sorted.at(-1) ?? NaN),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

/** 1/5/15-minute load averages: other work on the machine shows here. */
export function loadAverage(): number[] {
  return os.loadavg().map((load) => round(load));
}

/** The machine a bench ran on, for its results file; `loadAtStart` is `loadAverage()` taken when the run began. */
export function machine(loadAtStart: number[]) {
  const cpu = os.cpus();
  return {
    hostname: os.hostname(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.availableParallelism(),
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
  };
}

/** Runs a bench, stamps its wall time, writes the results as JSON and prints the summary. */
export async function runBench<Result extends { benchSeconds: number }>(
  run: () => Promise<Result>,
  resultsFile: string,
  summary: (result: Result) => string,
): Promise<void> {
  const started = performance.now();
  const result = await run();
  result.benchSeconds = round((performance.now() - started) / 1_000, 1);
  await mkdir(path.dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(summary(result));
}

/** A bench setting from the environment: a positive integer, or the fallback when unset. */
export function intFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive integer, got ${value}`);
  return parsed;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `pollMs` until it holds (true) or `timeoutMs` passed (false). */
export async function until(condition: () => boolean, timeoutMs: number, pollMs = 2): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

/**
 * Starts `act(item)` for item i at start + i/rate, without waiting for the
 * previous one: a slow commit or send does not slow the arrival rate (open
 * loop). Resolves with the achieved issue rate once every act has finished.
 */
export async function paced<T>(items: T[], rate: number, act: (item: T) => Promise<void>): Promise<number> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  let next = 0;
  while (next < items.length) {
    const due = Math.min(items.length, Math.floor(((performance.now() - started) * rate) / 1_000) + 1);
    for (; next < due; next += 1) running.push(act(items[next] as T));
    await sleep(1);
  }
  const issuedIn = performance.now() - started;
  await Promise.all(running);
  return items.length / (issuedIn / 1_000);
}

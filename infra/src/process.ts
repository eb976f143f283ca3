import { readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';

/**
 * The V8 flags every service process runs with (the image's NODE_OPTIONS,
 * `pnpm start`, bench:latency). A young generation of at most 8 MiB per
 * semi-space instead of the 16 V8 grows it to: the grown space stays
 * committed while a service idles (signals idle RSS 231 against 196 MB).
 * Smaller costs bulk intake: at 2 MiB, 184 MB idle, but file rows 20 %
 * and batches 30 % slower (bench:signals, 3 December); at 8 neither moved.
 * Dockerfile's NODE_OPTIONS must say the same (process.test.ts).
 */
export const serviceNodeFlags = ['--max-semi-space-size=8'] as const;

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(file, 'utf8'), 10);
    return Number.isFinite(pid) && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export const writePid = (file: string, pid: number) => writeFile(file, String(pid));
export const removePid = (file: string) => rm(file, { force: true });

/**
 * Polls `probe` until it returns true or the deadline passes. Polling with a
 * deadline, not a fixed sleep: start-up takes 2 s on a quiet machine and 20 s
 * on a loaded CI runner.
 */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    // A probe that throws has seen something that will not get better (the process died).
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Sends SIGTERM, waits for the process to go, SIGKILL after the grace period. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

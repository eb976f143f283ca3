/**
 * A built service (build.ts) as a process of its own, as the image runs it:
 * for `pnpm start`, bench:latency and the test of the bundles. One place for
 * how it is spawned (serviceNodeFlags), when it counts as up (its
 * /health/ready answers) and how it is stopped (SIGTERM, SIGKILL after a
 * grace period).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type BuiltService, serviceEntry } from './build.ts';
import { freePort, serviceNodeFlags, waitUntil } from './process.ts';

export interface ServiceProcessOptions {
  /** The child's whole environment; HOST and PORT are set here. */
  env: Record<string, string | undefined>;
  /** Listen here; a free port when left out. */
  port?: number;
  /** More Node flags after serviceNodeFlags (a CPU profile, say). */
  nodeFlags?: readonly string[];
  /** Each line the service writes, stdout and stderr alike. */
  onLine?: (line: string) => void;
  /** In a process group of its own, so a Ctrl-C in the terminal does not reach it before the parent decides. */
  detached?: boolean;
}

export interface ServiceProcess {
  name: BuiltService;
  child: ChildProcess;
  url: string;
  /** The last lines it wrote, for the message when it does not come up. */
  recentOutput(): string;
  /** Until /health/ready answers; throws if the process exits first or the time is up. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const keptLines = 40;

/** Spawns the service's bundle; `ready()` waits for it. */
export async function spawnService(name: BuiltService, options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...serviceNodeFlags, ...(options.nodeFlags ?? []), serviceEntry(name)], {
    env: { ...options.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > keptLines) recent.shift();
      options.onLine?.(line);
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    name,
    child,
    url,
    recentOutput: () => recent.join('\n'),
    ready: (timeoutMs = 60_000) =>
      waitUntil(
        `${name} on port ${port}`,
        async () => {
          if (child.exitCode !== null) {
            throw new Error(`${name} exited with ${child.exitCode}:\n${recent.join('\n')}`);
          }
          return (await fetch(`${url}/health/ready`).catch(() => undefined))?.ok ?? false;
        },
        timeoutMs,
      ),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Spawns the service's bundle and waits until it is ready. */
export async function startServiceProcess(
  name: BuiltService,
  options: ServiceProcessOptions & { readyTimeoutMs?: number },
): Promise<ServiceProcess> {
  const service = await spawnService(name, options);
  try {
    await service.ready(options.readyTimeoutMs);
  } catch (error) {
    await service.stop(1_000);
    throw error;
  }
  return service;
}

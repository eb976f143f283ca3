#!/usr/bin/env node
/**
 * `pnpm build`: each service's server as plain JavaScript, in
 * services/<name>/dist, which is what the image, `pnpm start` and
 * bench:latency run. Tests and tools keep running the TypeScript sources.
 *
 * Why a build at all, when Node 24 runs TypeScript: stripping types at run
 * time loads a WebAssembly compiler into every process and keeps it there,
 * about 25 MB of a service's idle RSS (networks 173 against 148 MB,
 * 3 December), for files that never change once deployed.
 *
 * What is bundled: the service's own code and the workspace packages
 * (@vangnet/*), which are TypeScript too. What is not: everything from
 * node_modules. Those modules stay the files they are, imported by a
 * relative path into node_modules, so that the HTTP and pg instrumentations
 * still find and patch fastify and pg as those load (server.ts starts
 * telemetry before it imports the app), and so that a package reading its own
 * files (the Swagger UI's assets, the Prisma client's query compiler) finds
 * them where it expects. Source maps are written beside the bundle but not
 * loaded by default (loading them costs about 10 MB per process): run with
 * NODE_OPTIONS=--enable-source-maps to see TypeScript lines in stack traces.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'rolldown';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export const builtServices = ['signals', 'networks', 'referrals', 'workspace'] as const;
export type BuiltService = (typeof builtServices)[number];

/** The entry point a service's process runs once `buildService` wrote it. */
export const serviceEntry = (service: BuiltService) => path.join(repoRoot, 'services', service, 'dist', 'server.js');

export async function buildService(service: BuiltService): Promise<string> {
  const serviceDir = path.join(repoRoot, 'services', service);
  const outDir = path.join(serviceDir, 'dist');
  // A chunk of an earlier build must not linger beside the new ones.
  await rm(outDir, { recursive: true, force: true });
  await build({
    input: path.join(serviceDir, 'src', 'server.ts'),
    platform: 'node',
    // Resolved ids are absolute paths; anything under node_modules stays a
    // module of its own (see above), as do Node's built-ins.
    external: (id, _importer, isResolved) =>
      isResolved ? id.includes(`${path.sep}node_modules${path.sep}`) : id.startsWith('node:'),
    makeAbsoluteExternalsRelative: true,
    logLevel: 'warn',
    output: {
      dir: outDir,
      format: 'esm',
      entryFileNames: 'server.js',
      // Stable names: a stack trace reads dist/app.js, not a content hash.
      chunkFileNames: '[name].js',
      sourcemap: true,
    },
  });
  return serviceEntry(service);
}

export async function buildServices(services: readonly BuiltService[] = builtServices): Promise<void> {
  // One after another: each build takes well under a second.
  for (const service of services) await buildService(service);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !builtServices.includes(name as BuiltService));
  if (unknown.length > 0) {
    process.stderr.write(`unknown service ${unknown.join(', ')}; known: ${builtServices.join(', ')}\n`);
    process.exit(2);
  }
  await buildServices(wanted.length > 0 ? (wanted as BuiltService[]) : builtServices);
  process.stdout.write(
    `built ${(wanted.length > 0 ? wanted : builtServices).map((name) => `services/${name}/dist`).join(', ')}\n`,
  );
}

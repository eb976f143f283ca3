/// <reference path="./webassembly.d.ts" />
/**
 * Where Prisma's query compiler comes from in a running service.
 *
 * Prisma 7's generated client (runtime "client", for Node) ships the compiler
 * as WebAssembly in base64, as the one string of an ES module it imports on
 * the first query. An imported ES module is never unloaded: its source text and
 * the string it exports stay in the heap for the life of the process, 8.7 MB
 * (two copies of 4.4 MB, seen in a heap snapshot of an idle service), though
 * Prisma only uses the compiled module after that first query. Reading the same
 * file as text, decoding it and compiling it leaves nothing behind but the
 * compiled module.
 *
 * `prisma-generate.sh` (the services' `generate`) runs {@link patchGeneratedClient}
 * on the generated client, so tests, CLIs and the bundles all load it this way.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Compiles the query compiler from Prisma's base64 module, resolved from
 * `from` (the generated client's `import.meta.url`, so the service's own
 * `@prisma/client` answers, also from a bundle in `dist/`).
 */
export async function loadQueryCompiler(from: string, specifier: string): Promise<WebAssembly.Module> {
  const file = createRequire(from).resolve(specifier);
  const source = await readFile(file, 'utf8');
  return new WebAssembly.Module(Buffer.from(base64In(source, file), 'base64'));
}

const base64Module = /^const wasm = "([A-Za-z0-9+/]+={0,2})";\s*export \{ wasm \};?\s*$/;

/** The base64 text of Prisma's `…wasm-base64.mjs`; throws if the file is no longer shaped as Prisma 7.10 writes it. */
export function base64In(source: string, file: string): string {
  const match = base64Module.exec(source);
  if (!match?.[1]) {
    throw new Error(`${file} is not the one-string module Prisma used to write; see packages/db/src/query-compiler.ts`);
  }
  return match[1];
}

/** The loader as `prisma-client` (Prisma 7.10) generates it into internal/class.ts. */
const generatedLoader =
  /( {2}getQueryCompilerWasmModule: async \(\) => \{\n) {4}const \{ wasm \} = await import\(("[^"\n]+\.wasm-base64\.mjs")\)\n {4}return await decodeBase64AsWasm\(wasm\)\n/;
const marker = '// Loaded by @vangnet/db/query-compiler';

/**
 * The generated client with its compiler loader replaced by {@link loadQueryCompiler}.
 * Throws if Prisma generated something else: a Prisma upgrade that changes the
 * loader fails `generate`, not a service at its first query.
 */
export function patchGeneratedClient(classSource: string): string {
  if (classSource.includes(marker)) return classSource;
  const match = generatedLoader.exec(classSource);
  if (!match) {
    throw new Error(
      "Prisma's generated client no longer loads its query compiler as patchGeneratedClient expects " +
        '(packages/db/src/query-compiler.ts): check the new template and adapt the patch',
    );
  }
  const [loader, opening, specifier] = match;
  const replacement =
    `${opening}    ${marker} (the base64 module would stay in memory for good).\n` +
    `    const { loadQueryCompiler } = await import("@vangnet/db/query-compiler")\n` +
    `    return await loadQueryCompiler(import.meta.url, ${specifier})\n`;
  return classSource.replace(loader, replacement);
}

/** `prisma-generate.sh`: patches the client generated in the current service. */
async function main() {
  const file = path.resolve('src/generated/prisma/internal/class.ts');
  const source = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file} not found: the services generate their client into src/generated/prisma`);
  });
  await writeFile(file, patchGeneratedClient(source));
}

if (import.meta.main) await main();

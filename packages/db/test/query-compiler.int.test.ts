import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadQueryCompiler } from '../src/query-compiler.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const specifier = '@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs';
const fromService = (service: string) => pathToFileURL(path.join(repoRoot, 'services', service, 'src', 'db.ts')).href;

describe("Prisma's query compiler, loaded without keeping its base64 module", () => {
  it('compiles the same WebAssembly module as the import Prisma generates', async () => {
    const loaded = await loadQueryCompiler(fromService('signals'), specifier);
    // What the generated client did before the patch, for comparison.
    const { wasm } = (await import(createRequire(fromService('signals')).resolve(specifier))) as { wasm: string };
    const imported = new WebAssembly.Module(Buffer.from(wasm, 'base64'));
    expect(WebAssembly.Module.exports(loaded)).toEqual(WebAssembly.Module.exports(imported));
    expect(WebAssembly.Module.imports(loaded)).toEqual(WebAssembly.Module.imports(imported));
    expect(WebAssembly.Module.exports(loaded).length).toBeGreaterThan(0);
  });

  it.each(['signals', 'networks', 'referrals'])('is how the generated client of %s loads it', async (service) => {
    const client = await readFile(
      path.join(repoRoot, 'services', service, 'src', 'generated', 'prisma', 'internal', 'class.ts'),
      'utf8',
    );
    expect(client).toContain(`return await loadQueryCompiler(import.meta.url, "${specifier}")`);
  });
});

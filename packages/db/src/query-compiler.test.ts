import { describe, expect, it } from 'vitest';
import { base64In, patchGeneratedClient } from './query-compiler.ts';

// internal/class.ts's loader as `prisma generate` (prisma-client, Prisma 7.10) writes it.
const generated = `
async function decodeBase64AsWasm(wasmBase64: string): Promise<WebAssembly.Module> {
  const { Buffer } = await import('node:buffer')
  const wasmArray = Buffer.from(wasmBase64, 'base64')
  return new WebAssembly.Module(wasmArray)
}

config.compilerWasm = {
  getRuntime: async () => await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs"),

  getQueryCompilerWasmModule: async () => {
    const { wasm } = await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs")
    return await decodeBase64AsWasm(wasm)
  },

  importName: "./query_compiler_fast_bg.js"
}
`;

describe('patchGeneratedClient', () => {
  it('makes the client load its compiler through loadQueryCompiler, from the same module, and changes nothing else', () => {
    const patched = patchGeneratedClient(generated);
    expect(patched).toContain(
      'return await loadQueryCompiler(import.meta.url, "@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs")',
    );
    expect(patched).not.toContain(
      'await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs")',
    );
    const [before, after] = generated.split('  getQueryCompilerWasmModule');
    expect(patched.startsWith(`${before}  getQueryCompilerWasmModule`)).toBe(true);
    expect(patched.endsWith(after?.slice(after.indexOf('  },')) ?? '')).toBe(true);
  });

  it('leaves an already patched client as it is (generate may run again on its own output)', () => {
    const patched = patchGeneratedClient(generated);
    expect(patchGeneratedClient(patched)).toBe(patched);
  });

  it('fails when Prisma generates another loader, so an upgrade breaks generate and not a service', () => {
    const other = generated.replace('decodeBase64AsWasm(wasm)', 'decodeWasm(wasm)');
    expect(() => patchGeneratedClient(other)).toThrow(/no longer loads its query compiler/);
  });
});

describe('base64In', () => {
  it("reads the one string of Prisma's base64 module", () => {
    expect(base64In('const wasm = "AGFzbQEAAAA=";\nexport { wasm }\n', 'x.mjs')).toBe('AGFzbQEAAAA=');
  });

  it('refuses a module of another shape instead of compiling something else', () => {
    expect(() => base64In('export const wasm = "AGFz"', 'x.mjs')).toThrow(/x\.mjs is not the one-string module/);
    expect(() => base64In('const wasm = "AGFz" + more;\nexport { wasm }', 'x.mjs')).toThrow(/x\.mjs/);
  });
});

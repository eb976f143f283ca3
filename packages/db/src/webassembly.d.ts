/**
 * The part of Node's WebAssembly global this package uses. ES2024's lib does
 * not describe WebAssembly (TypeScript ships it with "dom"), and Prisma's
 * generated client, which names it, is not type-checked (`@ts-nocheck`).
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
    static exports(module: Module): { name: string; kind: string }[];
    static imports(module: Module): { module: string; name: string; kind: string }[];
  }
}

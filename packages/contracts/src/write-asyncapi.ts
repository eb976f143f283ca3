import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncApiJson } from './asyncapi.ts';

/** Where the generated document is committed; `pnpm asyncapi` rewrites it. */
export const asyncApiPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/asyncapi.json');

if (import.meta.main) {
  writeFileSync(asyncApiPath, asyncApiJson());
  process.stdout.write(`wrote ${path.relative(process.cwd(), asyncApiPath)}\n`);
}

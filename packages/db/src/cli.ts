#!/usr/bin/env node
import path from 'node:path';
import { ensureDatabase } from './admin.ts';
import { migrate } from './migrate.ts';

const usage = 'usage: vangnet-db migrate [migrations-dir]   (DATABASE_URL names the database)';

async function main() {
  const [command, dir = 'prisma/migrations'] = process.argv.slice(2);
  if (command !== 'migrate') throw new Error(usage);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error(`DATABASE_URL is not set\n${usage}`);
  await ensureDatabase(url);
  const result = await migrate(url, path.resolve(dir));
  const database = new URL(url).pathname.slice(1);
  console.log(
    `${database}: ${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already there` +
      (result.applied.length ? `\n  ${result.applied.join('\n  ')}` : ''),
  );
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

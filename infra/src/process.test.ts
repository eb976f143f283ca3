import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceNodeFlags } from './process.ts';

describe('the V8 flags of a service process', () => {
  it("are the image's NODE_OPTIONS too, so a pod runs as pnpm start and bench:latency do", async () => {
    const dockerfile = await readFile(path.join(import.meta.dirname, '..', '..', 'Dockerfile'), 'utf8');
    const options = /NODE_OPTIONS=(\S+(?: \S+)*?)\s*(?:\\|\n)/.exec(dockerfile)?.[1];
    expect(options?.split(' ')).toEqual([...serviceNodeFlags]);
  });
});

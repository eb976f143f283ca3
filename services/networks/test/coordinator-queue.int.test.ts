import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, startNetworks } from './helpers.ts';

let networks: Awaited<ReturnType<typeof startNetworks>>;

beforeAll(async () => {
  networks = await startNetworks();
});

afterAll(async () => {
  await networks?.close();
});

describe('GET /v1/coordinator-queue', () => {
  it('when more entries wait than fit a page, then the cursor walks them all, oldest first, each once', async () => {
    const area = await networks.municipality();
    const elsewhere = await networks.municipality();
    const entry = (municipalityCode: string, queuedAt: string, resolved = false) => ({
      id: randomUUID(),
      municipalityCode,
      itemKind: 'case',
      itemId: randomUUID(),
      reason: 'no_matching_rule',
      explanation: 'no enabled rule matches',
      queuedAt: new Date(queuedAt),
      resolvedAt: resolved ? new Date() : null,
    });
    const waiting = [
      entry(area.code, '2026-11-23T09:00:00.000Z'),
      // Two at the same millisecond: the id breaks the tie, so neither is skipped nor repeated.
      entry(area.code, '2026-11-23T09:00:00.001Z'),
      entry(area.code, '2026-11-23T09:00:00.001Z'),
      entry(area.code, '2026-11-23T10:00:00.000Z'),
      entry(area.code, '2026-11-24T09:00:00.000Z'),
    ];
    await networks.app.prisma.coordinatorQueueItem.createMany({
      data: [
        ...waiting,
        entry(area.code, '2026-11-23T09:30:00.000Z', true),
        entry(elsewhere.code, '2026-11-23T09:30:00.000Z'),
      ],
    });
    const expected = [...waiting]
      .sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime() || a.id.localeCompare(b.id))
      .map((row) => row.id);

    const seen: string[] = [];
    const pages: number[] = [];
    let cursor: string | undefined;
    do {
      const url = `/v1/coordinator-queue?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await expectStatus(networks.call('GET', url, area.coordinator), 200)).json() as {
        items: { id: string }[];
        next?: string;
      };
      seen.push(...page.items.map((item) => item.id));
      pages.push(page.items.length);
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(pages).toEqual([2, 2, 1]);

    const whole = (await expectStatus(networks.call('GET', '/v1/coordinator-queue', area.coordinator), 200)).json();
    expect(whole.items.map((item: { id: string }) => item.id)).toEqual(expected);
    expect(whole.next).toBeUndefined();
  });

  it('when the cursor was not handed out, then 422 names it; a limit out of range is 400', async () => {
    const area = await networks.municipality();
    const badCursor = await networks.call('GET', '/v1/coordinator-queue?cursor=bm90LWEtY3Vyc29y', area.coordinator);
    expect(badCursor.statusCode).toBe(422);
    expect(badCursor.json()).toMatchObject({
      status: 422,
      code: 'INVALID_CURSOR',
      errors: [{ in: 'querystring', pointer: '/cursor' }],
    });
    const badLimit = await networks.call('GET', '/v1/coordinator-queue?limit=501', area.coordinator);
    expect(badLimit.json()).toMatchObject({ status: 400, errors: [{ in: 'querystring', pointer: '/limit' }] });
  });
});

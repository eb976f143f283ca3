import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTCODE_MAP_IMPORT_LOCK } from '../src/features/import-postcodes/import.ts';
import { startNetworks } from './helpers.ts';

/** Its own database: an import replaces the whole map, which no other test may lean on meanwhile. */
let networks: Awaited<ReturnType<typeof startNetworks>>;

beforeAll(async () => {
  networks = await startNetworks();
});

afterAll(async () => {
  await networks?.close();
});

const upload = (csv: string, bearer: string) =>
  networks.app.inject({
    method: 'PUT',
    url: '/v1/postcode-map',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'text/csv' },
    payload: csv,
  });

const mapRows = async () =>
  (
    await networks.app.pool.query(
      'SELECT postcode, house_number_from, house_number_to, neighbourhood_code FROM postcode_range ORDER BY postcode, house_number_from',
    )
  ).rows;

describe('PUT /v1/postcode-map', () => {
  it('when an admin uploads a CSV, then it replaces the whole map; when a line is malformed, then nothing changes', async () => {
    const area = await networks.municipality();
    const first = `postcode;house number from;to;neighbourhood code\r\n${area.digits}AB;1;20;${area.north}\r\n${area.digits};1;99999;${area.south}\r\n`;
    expect((await upload(first, area.admin)).json()).toEqual({ rows: 2 });

    // A large second import replaces the first one completely, streamed in batches.
    const lines = Array.from(
      { length: 12_000 },
      (_, n) =>
        `${area.digits}${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + (Math.floor(n / 26) % 26))};${n + 1};${n + 1};${area.north}`,
    );
    expect((await upload(lines.join('\n'), area.admin)).json()).toEqual({ rows: 12_000 });
    expect(
      await networks.app.pool.query('SELECT count(*)::int AS n FROM postcode_range').then((r) => r.rows[0].n),
    ).toBe(12_000);

    expect((await upload(first, area.admin)).json()).toEqual({ rows: 2 });
    const before = await mapRows();

    const bad = [
      `${area.digits}CD;1;20;${area.north}`,
      `${area.digits}CD;30;20;${area.north}`,
      `${area.digits}EF;1;20;BU00000000`,
      'not a row',
    ].join('\n');
    const refused = await upload(bad, area.admin);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'POSTCODE_MAP_INVALID',
      errors: [
        { pointer: '/lines/2', detail: 'line 2: house number from 30 is above to 20' },
        { pointer: '/lines/3', detail: 'line 3: neighbourhood BU00000000 does not exist' },
        { pointer: '/lines/4', detail: expect.stringContaining('expected 4 fields') },
      ],
    });
    expect(await mapRows()).toEqual(before);
  });

  it('when the body is not text/csv, then it is refused with 415 and the map stays', async () => {
    const area = await networks.municipality();
    await upload(`${area.digits};1;99999;${area.north}`, area.admin);
    const before = await mapRows();
    for (const [type, payload] of [
      ['application/json', JSON.stringify({ rows: [`${area.digits};1;99999;${area.south}`] })],
      ['application/octet-stream', `${area.digits};1;99999;${area.south}`],
    ] as const) {
      const response = await networks.app.inject({
        method: 'PUT',
        url: '/v1/postcode-map',
        headers: { authorization: `Bearer ${area.admin}`, 'content-type': type },
        payload,
      });
      expect(response.statusCode).toBe(415);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(await mapRows()).toEqual(before);
  });

  it('when two imports run at once, then the second waits for the first and one whole map is left', async () => {
    const area = await networks.municipality();
    const mapOf = (letter: string, neighbourhood: string) =>
      Array.from(
        { length: 6_000 },
        (_, n) => `${area.digits}${letter}${String.fromCharCode(65 + (n % 26))};${n + 1};${n + 1};${neighbourhood}`,
      ).join('\n');
    const waitingImports = async () =>
      (
        await networks.app.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [...POSTCODE_MAP_IMPORT_LOCK],
        )
      ).rows[0]?.n ?? 0;

    // An import in progress, held open: the next one must wait for it, not delete and insert beside it.
    const holder = await networks.app.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [...POSTCODE_MAP_IMPORT_LOCK]);
      const waiting = upload(mapOf('A', area.north), area.admin);
      await waitFor('the import waiting for the lock', async () => ((await waitingImports()) === 1 ? true : undefined));
      await holder.query('COMMIT');
      expect((await waiting).json()).toEqual({ rows: 6_000 });
    } finally {
      holder.release();
    }

    const [north, south] = await Promise.all([
      upload(mapOf('B', area.north), area.admin),
      upload(mapOf('C', area.south), area.admin),
    ]);
    expect([north.statusCode, south.statusCode]).toEqual([200, 200]);
    const left = await networks.app.pool.query<{ neighbourhood_code: string; n: number }>(
      'SELECT neighbourhood_code, count(*)::int AS n FROM postcode_range GROUP BY neighbourhood_code',
    );
    expect(left.rows).toHaveLength(1);
    expect(left.rows[0]?.n).toBe(6_000);
  });

  it('when a coordinator uploads the map, then it is refused: the map is national', async () => {
    const area = await networks.municipality();
    const response = await upload(`${area.digits};1;99999;${area.north}`, area.coordinator);
    expect(response.statusCode).toBe(403);
  });
});

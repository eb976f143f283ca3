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

const uploadFor = (municipalityCode: string, csv: string, bearer: string) =>
  networks.app.inject({
    method: 'PUT',
    url: `/v1/municipalities/${municipalityCode}/postcode-map`,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'text/csv' },
    payload: csv,
  });

type MapPage = {
  next?: string;
  items: { postcode: string; houseNumberFrom: number; neighbourhoodCode: string; municipalityCode: string }[];
};

/** Every page of the map as the API hands it out, `limit` rows at a time. */
async function pageThrough(query: string, bearer: string, limit: number) {
  const rows: MapPage['items'] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const url = `/v1/postcode-map?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await networks.call('GET', url, bearer);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as MapPage;
    rows.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.next;
  } while (cursor);
  return { rows, sizes };
}

describe('PUT /v1/municipalities/{code}/postcode-map and GET /v1/postcode-map', () => {
  it("when two municipalities each import their own rows, then neither wipes the other's, and the map pages through both", async () => {
    const first = await networks.municipality();
    const second = await networks.municipality();
    const rowsOf = (area: typeof first, count: number) =>
      Array.from({ length: count }, (_, n) => `${area.digits}${String.fromCharCode(65 + n)}A;1;99;${area.north}`);

    expect((await uploadFor(first.code, rowsOf(first, 5).join('\n'), first.coordinator)).json()).toEqual({ rows: 5 });
    expect((await uploadFor(second.code, rowsOf(second, 3).join('\n'), second.coordinator)).json()).toEqual({
      rows: 3,
    });
    // The first municipality imports again, fewer rows: its own are replaced, the second's stay.
    expect((await uploadFor(first.code, rowsOf(first, 4).join('\n'), first.coordinator)).json()).toEqual({ rows: 4 });

    const own = await pageThrough('', first.coordinator, 3);
    expect(own.sizes).toEqual([3, 1]);
    expect(own.rows.map((row) => row.postcode)).toEqual(rowsOf(first, 4).map((line) => line.split(';')[0]));
    expect(new Set(own.rows.map((row) => row.municipalityCode))).toEqual(new Set([first.code]));

    const theirs = await pageThrough(`municipality=${second.code}`, second.admin, 2);
    expect(theirs.rows.map((row) => row.postcode)).toEqual(rowsOf(second, 3).map((line) => line.split(';')[0]));
    expect(theirs.sizes).toEqual([2, 1]);

    // The whole map, for an admin: both municipalities' rows, each once, in postcode order.
    const whole = await pageThrough('', first.admin, 2);
    const ours = whole.rows.filter((row) => [first.code, second.code].includes(row.municipalityCode));
    expect(ours).toHaveLength(7);
    const postcodes = whole.rows.map((row) => row.postcode);
    expect(postcodes).toEqual([...postcodes].sort());
  });

  it("when a municipality's file names another municipality's neighbourhood, or another municipality's coordinator sends it, then it is refused and nothing changes", async () => {
    const first = await networks.municipality();
    const second = await networks.municipality();
    await uploadFor(first.code, `${first.digits}AA;1;9;${first.north}`, first.coordinator);

    const foreign = await uploadFor(
      first.code,
      `${first.digits}AB;1;9;${first.north}\n${second.digits}AA;1;9;${second.north}`,
      first.coordinator,
    );
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json()).toMatchObject({
      code: 'POSTCODE_MAP_INVALID',
      errors: [
        {
          pointer: '/lines/2',
          detail: `line 2: neighbourhood ${second.north} is in ${second.code}, not ${first.code}`,
        },
      ],
    });
    const notYours = await uploadFor(first.code, `${first.digits}AC;1;9;${first.south}`, second.coordinator);
    expect(notYours.statusCode).toBe(403);
    expect((await pageThrough('', first.coordinator, 10)).rows.map((row) => row.postcode)).toEqual([
      `${first.digits}AA`,
    ]);
    const badCursor = await networks.call('GET', '/v1/postcode-map?cursor=bm90LWEtY3Vyc29y', first.coordinator);
    expect(badCursor.statusCode).toBe(422);
    expect(badCursor.json()).toMatchObject({
      status: 422,
      code: 'INVALID_CURSOR',
      errors: [expect.objectContaining({ in: 'querystring', pointer: '/cursor' })],
    });
  });
});

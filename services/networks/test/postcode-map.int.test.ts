import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('when a coordinator uploads the map, then it is refused: the map is national', async () => {
    const area = await networks.municipality();
    const response = await upload(`${area.digits};1;99999;${area.north}`, area.coordinator);
    expect(response.statusCode).toBe(403);
  });
});

import type { PrismaClient, Transaction } from '../../db.ts';
import type { PostcodeRangeRow } from '../map-postcode/lookup.ts';
import { encodeMapCursor, type MapPosition } from './cursor.ts';

/**
 * Adds rows to the postcode map next to what is there, replacing earlier
 * rows of the same neighbourhoods (demo data and tests set up their own
 * areas this way; an operator imports the whole map instead).
 */
export async function putNeighbourhoodRanges(tx: Transaction, rows: PostcodeRangeRow[]): Promise<void> {
  const codes = [...new Set(rows.map((row) => row.neighbourhoodCode))];
  await tx.postcodeRange.deleteMany({ where: { neighbourhoodCode: { in: codes } } });
  await tx.postcodeRange.createMany({ data: rows });
}

interface MapRow {
  id: bigint;
  postcode: string;
  house_number_from: number;
  house_number_to: number;
  neighbourhood_code: string;
  municipality_code: string;
}

/**
 * One page of the map by postcode then row id (keyset: a page costs the
 * same at the end as at the start of a 500,000-row map), optionally of one
 * municipality's neighbourhoods only.
 */
export async function readMapPage(
  db: Pick<PrismaClient, '$queryRaw'>,
  query: { municipalityCode?: string; limit: number; after?: MapPosition },
) {
  const { municipalityCode = null, limit, after } = query;
  const rows = await db.$queryRaw<MapRow[]>`
    SELECT r.id, r.postcode, r.house_number_from, r.house_number_to, r.neighbourhood_code, n.municipality_code
      FROM postcode_range r JOIN neighbourhood n ON n.code = r.neighbourhood_code
     WHERE (${municipalityCode}::text IS NULL OR n.municipality_code = ${municipalityCode}::text)
       AND (${after?.postcode ?? null}::text IS NULL OR (r.postcode, r.id) > (${after?.postcode ?? ''}::text, ${after?.id ?? 0n}::bigint))
     ORDER BY r.postcode, r.id
     LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    ...(rows.length > limit && last ? { next: encodeMapCursor({ postcode: last.postcode, id: last.id }) } : {}),
    items: page.map((row) => ({
      postcode: row.postcode,
      houseNumberFrom: row.house_number_from,
      houseNumberTo: row.house_number_to,
      neighbourhoodCode: row.neighbourhood_code,
      municipalityCode: row.municipality_code,
    })),
  };
}

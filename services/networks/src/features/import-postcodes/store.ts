import type { Transaction } from '../../db.ts';
import type { PostcodeRangeRow } from '../map-postcode/lookup.ts';

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

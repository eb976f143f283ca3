/** One row of the postcode map: a PC6 (`9901AB`) or PC4 (`9901`) with a house-number range. */
export interface PostcodeRangeRow {
  postcode: string;
  houseNumberFrom: number;
  houseNumberTo: number;
  neighbourhoodCode: string;
}

/** The postcodes to load for an address, most specific first: its PC6 and its PC4. */
export const postcodeKeys = (postcode: string): [pc6: string, pc4: string] => [postcode, postcode.slice(0, 4)];

/**
 * The neighbourhood of an address: a PC6 row whose range holds the house
 * number, else a PC4 row whose range holds it. Among rows of the same
 * level the narrowest range wins, so an import may carve an exception
 * (one block of flats) out of a wider range.
 */
export function neighbourhoodOf(rows: PostcodeRangeRow[], postcode: string, houseNumber: number): string | undefined {
  for (const key of postcodeKeys(postcode)) {
    const candidates = rows
      .filter((row) => row.postcode === key && row.houseNumberFrom <= houseNumber && houseNumber <= row.houseNumberTo)
      .sort((a, b) => a.houseNumberTo - a.houseNumberFrom - (b.houseNumberTo - b.houseNumberFrom));
    if (candidates[0]) return candidates[0].neighbourhoodCode;
  }
  return undefined;
}

import { decodeKeyset, encodeKeyset, invalidCursor } from '../../http/keyset.ts';

/** Keyset position in the postcode map (by postcode, then row id): stable while rows are added elsewhere. */
export interface MapPosition {
  postcode: string;
  id: bigint;
}

export const encodeMapCursor = (position: MapPosition) => encodeKeyset([position.postcode, String(position.id)]);

export function decodeMapCursor(cursor: string): MapPosition {
  const [postcode = '', id = ''] = decodeKeyset(cursor, 2);
  if (!/^[1-9]\d{3}([A-Z]{2})?$/.test(postcode) || !/^\d{1,18}$/.test(id)) throw invalidCursor();
  return { postcode, id: BigInt(id) };
}

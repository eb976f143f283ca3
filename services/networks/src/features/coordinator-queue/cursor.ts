import { decodeKeyset, encodeKeyset, invalidCursor } from '../../http/keyset.ts';

/** Keyset position in a municipality's queue (oldest first): opaque to the caller, stable under inserts. */
export interface QueuePosition {
  queuedAt: Date;
  id: string;
}

export const encodeCursor = (position: QueuePosition) => encodeKeyset([position.queuedAt.toISOString(), position.id]);

export function decodeCursor(cursor: string): QueuePosition {
  const [at = '', id = ''] = decodeKeyset(cursor, 2);
  const queuedAt = new Date(at);
  if (!/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(queuedAt.getTime())) throw invalidCursor();
  return { queuedAt, id };
}

import type { OrganisationKind } from '@vangnet/contracts/organisations';
import type pg from 'pg';
import type { Partner } from '../receive-signal/decide.ts';
import { type IntakeDeps, takeInChunk } from '../receive-signal/intake.ts';
import { type PreparedRow, type RowError, withColumns } from './prepare.ts';

export interface ChunkOutcome {
  accepted: number;
  rejected: number;
  duplicates: number;
  errors: RowError[];
}

export interface FileInHand {
  id: string;
  partnerId: string;
  partnerKind: OrganisationKind;
  trace: Record<string, string>;
}

/**
 * Takes in one chunk of a file's rows inside the caller's transaction,
 * through the same engine as a single signal or a batch. A reference the
 * partner already used (before, or earlier in the file) is a duplicate:
 * counted, not stored again. The refused rows' errors are returned for the
 * caller to store with the chunk's counters.
 */
export async function takeInFileChunk(
  client: pg.ClientBase,
  deps: Pick<IntakeDeps, 'eventSource' | 'settings'>,
  file: FileInHand,
  rows: PreparedRow[],
  now: Date,
): Promise<ChunkOutcome> {
  const partner: Partner = { id: file.partnerId, kind: file.partnerKind };
  const errors: RowError[] = [];
  const candidates: Extract<PreparedRow, { ok: true }>[] = [];
  for (const row of rows) {
    if (row.ok) candidates.push(row);
    else
      errors.push({ row: row.row, code: row.code, ...(row.detail ? { detail: row.detail } : {}), errors: row.errors });
  }
  const outcomes = await takeInChunk(
    client,
    deps,
    partner,
    candidates.map((candidate) => candidate.request),
    now,
    file.trace,
    'file',
  );
  let accepted = 0;
  let duplicates = 0;
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.kind === 'accepted') accepted += 1;
    else if (outcome.kind === 'duplicate') duplicates += 1;
    else {
      const { error } = outcome;
      const row = (candidates[index] as { row: number }).row;
      errors.push({ row, code: error.code, detail: error.message, errors: withColumns(error.errors ?? []) });
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { accepted, rejected: errors.length, duplicates, errors };
}

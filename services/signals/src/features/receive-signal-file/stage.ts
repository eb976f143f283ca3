import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import { CsvReader, type CsvRecord, CsvSyntaxError } from '@vangnet/platform/csv';
import { DomainError } from '@vangnet/platform/problem';
import type pg from 'pg';
import { checkHeader, type FileColumn } from './columns.ts';

export interface FileLimits {
  maxBytes: number;
  maxRows: number;
}

/** Rows per INSERT while staging: few round trips, and well under the bind-parameter limit. */
const STAGE_BATCH_ROWS = 2_000;

export type StageResult = { id: string; rowsRead: number; replayed: boolean };

const tooLarge = (detail: string) => new DomainError('SIGNAL_FILE_TOO_LARGE', detail);

/**
 * Streams a CSV body into `signal_file_row`, in one transaction with its
 * `signal_file` row: when it commits, every row of the file is durable and
 * the 202 may go out; a file that turns out malformed, too large or without
 * a valid header rolls back as a whole, so nothing half-received is ever
 * worked. Only the record in hand and one insert batch are in memory.
 *
 * With an Idempotency-Key, the key is claimed by the INSERT of the delivery
 * row: a concurrent request with the same key waits on that row's lock
 * until the first commits (and is then answered as a replay) or rolls back.
 */
export async function stageFile(
  pool: pg.Pool,
  partner: { id: string; kind: OrganisationKind },
  body: Readable,
  options: FileLimits & { idempotencyKey?: string; trace: Record<string, string> },
): Promise<StageResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  const countBytes = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > options.maxBytes) throw tooLarge(`the file is over ${options.maxBytes} bytes`);
    hash.update(chunk);
  };

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const id = randomUUID();
    const claimed = await client.query(
      `INSERT INTO signal_file (id, partner_id, partner_kind, idempotency_key, status, separator, columns, trace)
       VALUES ($1, $2, $3, $4, 'queued', ';', '{}', $5::jsonb)
       ON CONFLICT (partner_id, idempotency_key) DO NOTHING`,
      [id, partner.id, partner.kind, options.idempotencyKey ?? null, JSON.stringify(options.trace)],
    );
    if (claimed.rowCount === 0) {
      await client.query('ROLLBACK');
      for await (const chunk of body) countBytes(chunk as Buffer);
      const { rows } = await client.query<{ id: string; request_hash: string; rows_read: number }>(
        'SELECT id::text, request_hash, rows_read FROM signal_file WHERE partner_id = $1 AND idempotency_key = $2',
        [partner.id, options.idempotencyKey],
      );
      const first = rows[0];
      if (!first) throw new Error('the delivery holding the Idempotency-Key disappeared');
      if (first.request_hash !== hash.digest('hex')) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'send a new Idempotency-Key for a different file');
      }
      return { id: first.id, rowsRead: first.rows_read, replayed: true };
    }

    const reader = new CsvReader();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let columns: FileColumn[] | undefined;
    let rowsRead = 0;
    let batch: CsvRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await client.query(
        `INSERT INTO signal_file_row (file_id, row_number, fields)
         SELECT $1, * FROM unnest($2::int[], $3::jsonb[])`,
        [id, batch.map((record) => record.row), batch.map((record) => JSON.stringify(record.fields))],
      );
      batch = [];
    };
    // The body as UTF-8 text, counted and hashed as it arrives; read no faster than its rows are staged.
    async function* text() {
      for await (const chunk of body) {
        countBytes(chunk as Buffer);
        yield decoder.decode(chunk as Buffer, { stream: true });
      }
      yield decoder.decode();
    }

    try {
      for await (const record of reader.records(text())) {
        if (!columns) {
          const header = checkHeader(record.fields);
          if (!header.ok) throw new DomainError(header.code, 'fix the header row of the file', header.errors);
          columns = header.columns;
          continue;
        }
        rowsRead += 1;
        if (rowsRead > options.maxRows) throw tooLarge(`the file has more than ${options.maxRows} rows`);
        batch.push(record);
        if (batch.length >= STAGE_BATCH_ROWS) await flush();
      }
    } catch (error) {
      if (error instanceof CsvSyntaxError) {
        throw new DomainError('SIGNAL_FILE_MALFORMED', error.message, [
          { in: 'body', pointer: `/rows/${error.row}`, code: 'malformed_csv', detail: error.message },
        ]);
      }
      if (error instanceof TypeError && (error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
        throw new DomainError('SIGNAL_FILE_MALFORMED', 'the file is not UTF-8; export it as CSV UTF-8');
      }
      throw error;
    }
    await flush();
    if (!columns) throw new DomainError('SIGNAL_FILE_EMPTY', 'the file is empty; send a header row and data rows');
    if (rowsRead === 0) throw new DomainError('SIGNAL_FILE_EMPTY', 'the file has a header row but no data rows');

    await client.query(
      `UPDATE signal_file SET separator = $2, columns = $3, rows_read = $4, request_hash = $5 WHERE id = $1`,
      [id, reader.separator, columns, rowsRead, hash.digest('hex')],
    );
    await client.query('COMMIT');
    return { id, rowsRead, replayed: false };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

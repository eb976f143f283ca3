import { randomUUID } from 'node:crypto';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import { failureForLog, Worker } from '@vangnet/messaging/worker';
import type { Logger } from 'pino';
import type { Transaction } from '../../db.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { type IntakeDeps, inTransaction, isRetryable } from '../receive-signal/intake.ts';
import type { FileColumn } from './columns.ts';
import { prepareRow } from './prepare.ts';
import { type FileInHand, takeInFileChunk } from './take-in-chunk.ts';

export interface FileJobOptions {
  /** Rows per transaction. */
  chunkRows: number;
  /** How long a claimed file stays this instance's without progress; a crashed instance's files move on after it. */
  leaseSeconds: number;
  /** How often an idle job looks for files (another instance's upload, or one left by a crash). */
  pollMs: number;
  /**
   * Tries per chunk before it is taken apart row by row, and per row before
   * that row is parked as `ROW_NOT_PROCESSED`: a row that can never be taken
   * in must not hold up its file and every later file.
   */
  maxAttempts: number;
}

/** The code a parked row gets in the file's errors: the partner sends that row again. */
export const ROW_NOT_PROCESSED = 'ROW_NOT_PROCESSED';

interface ClaimedFile extends FileInHand {
  columns: FileColumn[];
}

class LeaseLost extends Error {}

type StagedRow = { rowNumber: number; fields: unknown };

export { isRetryable };

const unavailableCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);
const unavailableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * The database cannot be reached or refuses connections: no fault of the
 * rows. Such a failure never parks a row; the job backs off and the lease
 * keeps the file until the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (unavailableCodes.has(error.code)) return true;
    const meta = error.meta as
      | { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } }
      | undefined;
    const cause = meta?.driverAdapterError?.cause;
    const state = cause?.originalCode ?? '';
    return state.startsWith('08') || unavailableSqlStates.has(state) || cause?.kind === 'DatabaseNotReachable';
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return unavailableSocketCodes.has(code) || code.startsWith('08') || unavailableSqlStates.has(code);
}

// The shell's: class and codes only, as every loop logs its failures.
export { failureForLog };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The durable job that takes in staged file rows. Progress lives in the
 * database: each chunk's signals, errors, counters and the deletion of its
 * staged rows commit in one transaction, so a restart resumes at the first
 * row not yet taken in, and no row is taken in twice. A file is worked by
 * one instance at a time under a lease that each chunk renews.
 */
export class SignalFileJob {
  readonly #deps: IntakeDeps;
  readonly #log: Logger;
  readonly #options: FileJobOptions;
  readonly #owner = randomUUID();
  readonly #worker: Worker;

  constructor(deps: IntakeDeps, log: Logger, options: FileJobOptions) {
    this.#deps = deps;
    this.#log = log.child({ component: 'signal-file-job' });
    this.#options = options;
    this.#worker = new Worker({
      name: 'file job',
      log: this.#log,
      idleMs: options.pollMs,
      backoffMs: (failures) => Math.min(30_000, 500 * 2 ** failures),
      failureLevel: 'error',
      // A file worked to the end: look for the next at once.
      tick: () => this.runOnce(),
    });
  }

  start(): void {
    void this.#worker.start();
  }

  /** A file was staged: look now rather than at the next poll. */
  wake(): void {
    this.#worker.wake();
  }

  async stop(): Promise<void> {
    await this.#worker.stop();
  }

  /** Stopping (or never started): a file in hand is handed back rather than worked on. */
  get #stopped(): boolean {
    return !this.#worker.running;
  }

  /** Claims the oldest file not completed whose lease is free, and works it to the end. False when there is none. */
  async runOnce(): Promise<boolean> {
    const { prisma } = this.#deps;
    const [file] = await prisma.$queryRaw<
      { id: string; partner_id: string; partner_kind: string; columns: string[]; trace: Record<string, string> }[]
    >`
      UPDATE signal_file
         SET status = 'processing', lease_owner = ${this.#owner}::uuid,
             lease_until = now() + make_interval(secs => ${this.#options.leaseSeconds})
       WHERE id = (SELECT id FROM signal_file
                    WHERE status <> 'completed'
                      AND (lease_until IS NULL OR lease_until < now() OR lease_owner = ${this.#owner}::uuid)
                    ORDER BY received_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id::text, partner_id, partner_kind, columns, trace`;
    if (!file) return false;
    await this.#work({
      id: file.id,
      partnerId: file.partner_id,
      partnerKind: file.partner_kind as OrganisationKind,
      columns: file.columns as FileColumn[],
      trace: file.trace,
    });
    return true;
  }

  async #work(file: ClaimedFile): Promise<void> {
    const { prisma } = this.#deps;
    const log = this.#log.child({ fileId: file.id });
    try {
      let ahead = this.#staged(file.id, 0);
      for (;;) {
        if (this.#stopped) {
          // Hand the file back at once, so another instance need not wait out the lease.
          await prisma.signalFile.updateMany({
            where: { id: file.id, leaseOwner: this.#owner },
            data: { leaseOwner: null, leaseUntil: null },
          });
          return;
        }
        const staged = await ahead;
        if (staged.length === 0) {
          await prisma.signalFile.updateMany({
            where: { id: file.id, leaseOwner: this.#owner },
            data: { status: 'completed', completedAt: new Date(), leaseOwner: null, leaseUntil: null },
          });
          log.info('file completed');
          return;
        }
        // The next chunk is read while this one is taken in. It lies after this one, and staged rows are
        // deleted only under this job's lease: if another instance took the file over, this job's next
        // commit fails on the lease and nothing read ahead is taken in.
        ahead = this.#staged(file.id, (staged.at(-1) as StagedRow).rowNumber);
        ahead.catch(() => undefined);
        await this.#takeIn(file, staged, log);
      }
    } catch (error) {
      if (error instanceof LeaseLost) {
        log.warn('lease lost to another instance; leaving the file to it');
        return;
      }
      throw error;
    }
  }

  /** Up to a chunk of the file's staged rows after `afterRow`, in file order. */
  async #staged(fileId: string, afterRow: number): Promise<StagedRow[]> {
    const { rows } = await this.#deps.pool.query<{ row_number: number; fields: unknown }>({
      name: 'signal-file-staged-rows',
      text: `SELECT row_number, fields FROM signal_file_row
              WHERE file_id = $1::uuid AND row_number > $2 ORDER BY row_number LIMIT $3`,
      values: [fileId, afterRow, this.#options.chunkRows],
    });
    return rows.map((row) => ({ rowNumber: row.row_number, fields: row.fields }));
  }

  /**
   * Takes in staged rows, trying each chunk `maxAttempts` times. A chunk
   * that keeps failing is taken apart: its rows are taken in one by one, so
   * the good rows land and only a row that fails on its own is parked. An
   * unreachable database, or a lost lease, is never the rows' fault: it
   * goes up to the loop, which backs off and comes back to the same rows.
   */
  async #takeIn(file: ClaimedFile, staged: StagedRow[], log: Logger): Promise<void> {
    const failure = await this.#tryChunk(file, staged, log);
    if (failure === undefined) return;
    const rows = { firstRow: staged[0]?.rowNumber, lastRow: staged.at(-1)?.rowNumber };
    if (staged.length > 1) {
      log.warn({ ...rows, failure: failureForLog(failure) }, 'chunk keeps failing; taking its rows in one by one');
      for (const row of staged) await this.#takeIn(file, [row], log);
      return;
    }
    await this.#park(file, staged[0] as StagedRow);
    log.error(
      { row: rows.firstRow, failure: failureForLog(failure), attempts: this.#options.maxAttempts },
      'row keeps failing; parked as ROW_NOT_PROCESSED',
    );
  }

  /** Undefined when the chunk committed; else the last failure after `maxAttempts` tries. */
  async #tryChunk(file: ClaimedFile, staged: StagedRow[], log: Logger): Promise<unknown> {
    const rowNumbers = staged.map((row) => row.rowNumber);
    for (let attempt = 1; ; attempt += 1) {
      try {
        // Inside the try: a row the code cannot even prepare is a failing row like any other.
        const prepared = staged.map((row) => prepareRow(file.columns, row.rowNumber, row.fields as string[]));
        // One try per attempt: this loop counts, logs and backs off itself.
        await inTransaction(
          this.#deps.pool,
          async (client) => {
            const outcome = await takeInFileChunk(client, this.#deps, file, prepared, new Date());
            // The chunk's errors, counters, lease and staged rows in one statement.
            const { rows } = await client.query(
              `WITH errors AS (
                 INSERT INTO signal_file_error (file_id, row_number, code, detail, errors)
                 SELECT $1, row_number, code, detail, errors
                   FROM jsonb_to_recordset($7::jsonb) AS e(row_number int, code text, detail text, errors jsonb)
               ), staged AS (
                 DELETE FROM signal_file_row WHERE file_id = $1 AND row_number = ANY($8::int[])
               )
               UPDATE signal_file
                  SET rows_processed = rows_processed + $3, accepted = accepted + $4,
                      rejected = rejected + $5, duplicates = duplicates + $6,
                      lease_until = now() + make_interval(secs => $9)
                WHERE id = $1 AND lease_owner = $2
               RETURNING id`,
              [
                file.id,
                this.#owner,
                staged.length,
                outcome.accepted,
                outcome.rejected,
                outcome.duplicates,
                JSON.stringify(
                  outcome.errors.map((error) => ({
                    row_number: error.row,
                    code: error.code,
                    detail: error.detail ?? null,
                    errors: error.errors,
                  })),
                ),
                rowNumbers,
                this.#options.leaseSeconds,
              ],
            );
            if (rows.length === 0) throw new LeaseLost();
          },
          1,
        );
        return undefined;
      } catch (error) {
        if (error instanceof LeaseLost || isDatabaseUnavailable(error) || this.#stopped) throw error;
        if (attempt >= this.#options.maxAttempts) return error;
        if (isRetryable(error)) {
          log.warn({ attempt }, 'chunk collided with a concurrent intake; retrying');
        } else {
          log.warn({ attempt, failure: failureForLog(error) }, 'chunk failed; retrying');
          await pause(50 * 2 ** attempt);
        }
      }
    }
  }

  /**
   * Gives up on one row: it counts as processed and refused with
   * `ROW_NOT_PROCESSED` (the partner sees the row number and sends it
   * again), and its raw fields are deleted with it, as every taken-in row's
   * are, so no personal data lingers in the staging table.
   */
  async #park(file: ClaimedFile, row: StagedRow): Promise<void> {
    await this.#deps.prisma.$transaction(async (tx: Transaction) => {
      const renewed = await tx.$executeRaw`
        UPDATE signal_file
           SET rows_processed = rows_processed + 1, rejected = rejected + 1,
               lease_until = now() + make_interval(secs => ${this.#options.leaseSeconds})
         WHERE id = ${file.id}::uuid AND lease_owner = ${this.#owner}::uuid`;
      if (renewed === 0) throw new LeaseLost();
      await tx.signalFileError.create({
        data: {
          fileId: file.id,
          rowNumber: row.rowNumber,
          code: ROW_NOT_PROCESSED,
          detail: 'the row could not be taken in because of a fault on our side; please send it again',
          errors: [],
        },
      });
      await tx.$executeRaw`
        DELETE FROM signal_file_row WHERE file_id = ${file.id}::uuid AND row_number = ${row.rowNumber}::int`;
    });
  }
}

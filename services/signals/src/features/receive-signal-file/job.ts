import { randomUUID } from 'node:crypto';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import type { Logger } from 'pino';
import type { Transaction } from '../../db.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type { IntakeDeps } from '../receive-signal/intake.ts';
import type { FileColumn } from './columns.ts';
import { prepareRow } from './prepare.ts';
import { type FileInHand, takeInChunk } from './take-in-chunk.ts';

export interface FileJobOptions {
  /** Rows per transaction. */
  chunkRows: number;
  /** How long a claimed file stays this instance's without progress; a crashed instance's files move on after it. */
  leaseSeconds: number;
  /** How often an idle job looks for files (another instance's upload, or one left by a crash). */
  pollMs: number;
}

interface ClaimedFile extends FileInHand {
  columns: FileColumn[];
}

class LeaseLost extends Error {}

/**
 * A unique reference taken by a concurrent single request, or a deadlock with
 * one: the chunk is redone (it re-reads what is known, so the reference then
 * counts as a duplicate). Raw statements through the driver adapter report
 * the PostgreSQL code inside `meta` (P2010), the ORM's own ones as P2002.
 */
export function isRetryable(error: unknown): boolean {
  const retryable = new Set(['23505', '40P01']);
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002' || error.code === 'P2034') return true;
    const meta = error.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined;
    return retryable.has(meta?.driverAdapterError?.cause?.originalCode ?? '');
  }
  return retryable.has((error as { code?: string } | null)?.code ?? '');
}

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
  #stopped = true;
  #running: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;

  constructor(deps: IntakeDeps, log: Logger, options: FileJobOptions) {
    this.#deps = deps;
    this.#log = log.child({ component: 'signal-file-job' });
    this.#options = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** A file was staged: look now rather than at the next poll. */
  wake(): void {
    this.#wakeUp?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.wake();
    await this.#running;
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        const worked = await this.runOnce();
        failures = 0;
        if (!worked) await this.#idle(this.#options.pollMs);
      } catch (error) {
        failures += 1;
        this.#log.error({ err: error }, 'file job failed; retrying');
        await this.#idle(Math.min(30_000, 500 * 2 ** failures));
      }
    }
  }

  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = done;
    });
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
      for (;;) {
        if (this.#stopped) {
          // Hand the file back at once, so another instance need not wait out the lease.
          await prisma.signalFile.updateMany({
            where: { id: file.id, leaseOwner: this.#owner },
            data: { leaseOwner: null, leaseUntil: null },
          });
          return;
        }
        const staged = await prisma.signalFileRow.findMany({
          where: { fileId: file.id },
          orderBy: { rowNumber: 'asc' },
          take: this.#options.chunkRows,
        });
        if (staged.length === 0) {
          await prisma.signalFile.updateMany({
            where: { id: file.id, leaseOwner: this.#owner },
            data: { status: 'completed', completedAt: new Date(), leaseOwner: null, leaseUntil: null },
          });
          log.info('file completed');
          return;
        }
        const prepared = staged.map((row) => prepareRow(file.columns, row.rowNumber, row.fields as string[]));
        const rowNumbers = staged.map((row) => row.rowNumber);
        for (let attempt = 1; ; attempt += 1) {
          try {
            await prisma.$transaction(
              async (tx: Transaction) => {
                const outcome = await takeInChunk(tx, this.#deps, file, prepared, new Date());
                const renewed = await tx.$executeRaw`
                  UPDATE signal_file
                     SET rows_processed = rows_processed + ${staged.length}, accepted = accepted + ${outcome.accepted},
                         rejected = rejected + ${outcome.rejected}, duplicates = duplicates + ${outcome.duplicates},
                         lease_until = now() + make_interval(secs => ${this.#options.leaseSeconds})
                   WHERE id = ${file.id}::uuid AND lease_owner = ${this.#owner}::uuid`;
                if (renewed === 0) throw new LeaseLost();
                await tx.$executeRaw`
                  DELETE FROM signal_file_row WHERE file_id = ${file.id}::uuid AND row_number = ANY(${rowNumbers}::int[])`;
              },
              { timeout: 120_000, maxWait: 30_000 },
            );
            break;
          } catch (error) {
            if (!isRetryable(error) || attempt >= 5) throw error;
            log.warn({ attempt }, 'chunk collided with a concurrent intake; retrying');
          }
        }
      }
    } catch (error) {
      if (error instanceof LeaseLost) {
        log.warn('lease lost to another instance; leaving the file to it');
        return;
      }
      throw error;
    }
  }
}

import { periodicWorker } from '@vangnet/messaging/worker';
import { auditedTerm } from '@vangnet/platform/term';
import type { Logger } from 'pino';
import type { PrismaClient, Transaction } from '../../db.ts';
import {
  caseCategories,
  type RetentionTerm,
  type RetentionTerms,
  retentionCutoffs,
  signalCategories,
  termOf,
} from './decide.ts';

/** Records per transaction: a long backlog (the first run) is deleted in short transactions. */
const BATCH = 500;

interface DeletedSignal {
  id: string;
  partner_id: string;
  case_id: string | null;
  received_at: Date;
  has_name: boolean;
  has_date_of_birth: boolean;
  has_phone: boolean;
  has_email: boolean;
  has_arrears: boolean;
  has_preconditions: boolean;
  crisis: boolean;
  has_absence: boolean;
}

export interface RetentionRun {
  signals: number;
  cases: number;
}

/**
 * Deletes personal data whose retention term ran out, for real (DELETE,
 * not a flag), and writes one audit row per deleted record in the same
 * transaction: which record, which categories of data it held, under which
 * term. The data itself never reaches the audit or the log.
 *
 * A signal goes with its case: a case's term decides for all its signals,
 * and a signal that never joined a case has a term of its own.
 */
export class RetentionJob {
  readonly #prisma: PrismaClient;
  readonly #terms: RetentionTerms;
  readonly #log: Logger;
  readonly #worker: ReturnType<typeof periodicWorker>;

  constructor(prisma: PrismaClient, terms: RetentionTerms, log: Logger, intervalMs: number) {
    this.#prisma = prisma;
    this.#terms = terms;
    this.#log = log.child({ component: 'retention' });
    this.#worker = periodicWorker('retention run', this.#log, intervalMs, () => this.runOnce());
  }

  /** Runs now and then every interval (0: never on its own; tests call runOnce). */
  start(): void {
    void this.#worker?.start();
  }

  async stop(): Promise<void> {
    await this.#worker?.stop();
  }

  /** One full pass at `now` (a test's clock, or the wall clock). */
  async runOnce(now: Date = new Date()): Promise<RetentionRun> {
    const cutoffs = retentionCutoffs(now, this.#terms);
    const run: RetentionRun = { signals: 0, cases: 0 };
    for (;;) {
      const deleted = await this.#prisma.$transaction((tx: Transaction) =>
        this.#unmatchedSignals(tx, cutoffs.unmatched_signal, now),
      );
      run.signals += deleted;
      if (deleted < BATCH) break;
    }
    for (const term of ['closed_case', 'open_case_inactive'] as const) {
      for (;;) {
        const deleted = await this.#prisma.$transaction((tx: Transaction) => this.#cases(tx, term, cutoffs[term], now));
        run.signals += deleted.signals;
        run.cases += deleted.cases;
        if (deleted.cases < BATCH) break;
      }
    }
    if (run.signals + run.cases > 0) this.#log.info({ ...run }, 'retention deleted personal data past its term');
    return run;
  }

  #returning() {
    return `id::text, partner_id, case_id::text, received_at,
            (subject_given_name IS NOT NULL OR subject_family_name IS NOT NULL) AS has_name,
            subject_date_of_birth IS NOT NULL AS has_date_of_birth, subject_phone IS NOT NULL AS has_phone,
            subject_email IS NOT NULL AS has_email, arrears_cents IS NOT NULL AS has_arrears,
            preconditions IS NOT NULL AS has_preconditions, crisis, absence_hours IS NOT NULL AS has_absence`;
  }

  async #audit(
    tx: Transaction,
    signals: DeletedSignal[],
    term: RetentionTerm,
    startedAt: (s: DeletedSignal) => Date,
    now: Date,
  ) {
    if (signals.length === 0) return;
    await tx.retentionAudit.createMany({
      data: signals.map((signal) => ({
        recordKind: 'signal',
        recordId: signal.id,
        partnerId: signal.partner_id,
        categories: signalCategories({
          hasName: signal.has_name,
          hasDateOfBirth: signal.has_date_of_birth,
          hasPhone: signal.has_phone,
          hasEmail: signal.has_email,
          hasArrears: signal.has_arrears,
          hasPreconditions: signal.has_preconditions,
          crisis: signal.crisis,
          hasAbsence: signal.has_absence,
        }),
        term,
        ...auditedTerm(termOf(term, this.#terms)),
        termStartedAt: startedAt(signal),
        deletedAt: now,
      })),
    });
  }

  async #unmatchedSignals(tx: Transaction, cutoff: Date, now: Date): Promise<number> {
    const deleted = await tx.$queryRawUnsafe<DeletedSignal[]>(
      `DELETE FROM signal WHERE id IN (
         SELECT id FROM signal WHERE case_id IS NULL AND received_at < $1
          ORDER BY received_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING ${this.#returning()}`,
      cutoff,
    );
    await this.#audit(tx, deleted, 'unmatched_signal', (signal) => signal.received_at, now);
    return deleted.length;
  }

  async #cases(
    tx: Transaction,
    term: 'closed_case' | 'open_case_inactive',
    cutoff: Date,
    now: Date,
  ): Promise<{ cases: number; signals: number }> {
    const condition =
      term === 'closed_case'
        ? `status = 'closed' AND closed_at < $1`
        : // A team still working the case needs the household's details, however long ago the last signal came.
          `status = 'open' AND last_signal_at < $1
           AND NOT EXISTS (SELECT 1 FROM case_team_access a WHERE a.case_id = household_case.id AND a.active)`;
    const cases = await tx.$queryRawUnsafe<{ id: string; started: Date }[]>(
      `SELECT id::text, ${term === 'closed_case' ? 'closed_at' : 'last_signal_at'} AS started
         FROM household_case WHERE ${condition}
        ORDER BY 2 LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      cutoff,
    );
    if (cases.length === 0) return { cases: 0, signals: 0 };
    const ids = cases.map((row) => row.id);
    const startedOf = new Map(cases.map((row) => [row.id, row.started]));
    const signals = await tx.$queryRawUnsafe<DeletedSignal[]>(
      `DELETE FROM signal WHERE case_id = ANY($1::uuid[]) RETURNING ${this.#returning()}`,
      ids,
    );
    await this.#audit(tx, signals, term, (signal) => startedOf.get(signal.case_id as string) as Date, now);
    await tx.$executeRawUnsafe('DELETE FROM household_case WHERE id = ANY($1::uuid[])', ids);
    await tx.$executeRawUnsafe('DELETE FROM case_team_access WHERE case_id = ANY($1::uuid[])', ids);
    await tx.retentionAudit.createMany({
      data: cases.map((row) => ({
        recordKind: 'household_case',
        recordId: row.id,
        categories: caseCategories,
        term,
        ...auditedTerm(termOf(term, this.#terms)),
        termStartedAt: row.started,
        deletedAt: now,
      })),
    });
    return { cases: cases.length, signals: signals.length };
  }
}

import { periodicWorker } from '@vangnet/messaging/worker';
import { auditedTerm } from '@vangnet/platform/term';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.ts';
import type { PrismaClient, Transaction } from '../../db.ts';
import { type RetentionTerms, requestCategories, retentionCutoffs, termOf } from './decide.ts';

/** Records per transaction: a long backlog (the first run) is deleted in short transactions. */
const BATCH = 500;

interface DeletedRequest {
  id: string;
  gp_organisation_id: string;
  has_phone: boolean;
  has_email: boolean;
  has_concern_note: boolean;
  has_referrer_email: boolean;
}

export interface RetentionRun {
  requests: number;
  closingNotes: number;
}

export interface RetentionJobOptions {
  prisma: PrismaClient;
  terms: RetentionTerms;
  clock: Clock;
  log: FastifyBaseLogger;
  /** 0: never on its own (tests call runOnce). */
  intervalMs: number;
}

/** While a team holds a referral for the request it needs the patient's details, however old the request. */
const ACTIVE = `('routed', 'accepted', 'in_progress')`;

/**
 * Deletes the personal data of GP referrals whose retention term ran out,
 * for real: the referral_request row goes (DELETE, not a flag) and a
 * team's closing notes are cleared. One audit row per record in the same
 * transaction says which record, which categories of data it held and
 * under which term; the data itself never reaches the audit or the log.
 * The referrals themselves stay: ids, codes and dates, no personal data.
 */
export class RetentionJob {
  readonly #options: RetentionJobOptions;
  readonly #log: FastifyBaseLogger;
  readonly #worker: ReturnType<typeof periodicWorker>;

  constructor(options: RetentionJobOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'retention' });
    this.#worker = periodicWorker('retention run', this.#log, options.intervalMs, () => this.runOnce());
  }

  start(): void {
    void this.#worker?.start();
  }

  async stop(): Promise<void> {
    await this.#worker?.stop();
  }

  /** One full pass at the clock's now. */
  async runOnce(): Promise<RetentionRun> {
    const { prisma } = this.#options;
    const now = this.#options.clock();
    const run: RetentionRun = { requests: 0, closingNotes: 0 };
    for (;;) {
      const deleted = await prisma.$transaction((tx: Transaction) => this.#requests(tx, now));
      run.requests += deleted;
      if (deleted < BATCH) break;
    }
    for (;;) {
      const cleared = await prisma.$transaction((tx: Transaction) => this.#closingNotes(tx, now));
      run.closingNotes += cleared;
      if (cleared < BATCH) break;
    }
    if (run.requests + run.closingNotes > 0)
      this.#log.info({ ...run }, 'retention deleted personal data past its term');
    return run;
  }

  async #requests(tx: Transaction, now: Date): Promise<number> {
    const cutoffs = retentionCutoffs(now, this.#options.terms);
    // The term starts at the request's last activity: its receipt, its hand-over to the coordinator, or the end
    // of its last referral (GREATEST skips what is NULL). A request some team accepted keeps the longer term.
    const due = await tx.$queryRawUnsafe<{ id: string; accepted: boolean; started: Date }[]>(
      `SELECT r.id::text, bool_or(f.accepted_at IS NOT NULL) IS TRUE AS accepted,
              GREATEST(r.requested_at, r.handed_to_coordinator_at, max(f.ended_at)) AS started
         FROM referral_request r
         LEFT JOIN referral f ON f.item_kind = 'referral_request' AND f.item_id = r.id
        GROUP BY r.id
       HAVING NOT (bool_or(f.status IN ${ACTIVE}) IS TRUE)
          AND GREATEST(r.requested_at, r.handed_to_coordinator_at, max(f.ended_at))
              < CASE WHEN bool_or(f.accepted_at IS NOT NULL) IS TRUE THEN $1::timestamptz ELSE $2::timestamptz END
        ORDER BY 3
        LIMIT ${BATCH}`,
      cutoffs.request_ended,
      cutoffs.request_never_taken,
    );
    if (due.length === 0) return 0;
    // Re-checked under the row lock: a referral the coordinator assigned meanwhile keeps the request.
    const deleted = await tx.$queryRawUnsafe<DeletedRequest[]>(
      `DELETE FROM referral_request r
        WHERE r.id IN (SELECT id FROM referral_request WHERE id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED)
          AND NOT EXISTS (SELECT 1 FROM referral f
                           WHERE f.item_kind = 'referral_request' AND f.item_id = r.id AND f.status IN ${ACTIVE})
       RETURNING r.id::text, r.gp_organisation_id, r.phone IS NOT NULL AS has_phone, r.email IS NOT NULL AS has_email,
                 r.concern_note IS NOT NULL AS has_concern_note, r.referrer_email IS NOT NULL AS has_referrer_email`,
      due.map((row) => row.id),
    );
    const facts = new Map(due.map((row) => [row.id, row]));
    await tx.retentionAudit.createMany({
      data: deleted.map((row) => {
        const fact = facts.get(row.id);
        if (!fact) throw new Error('a deleted request was selected first');
        const term = fact.accepted ? 'request_ended' : 'request_never_taken';
        return {
          recordKind: 'referral_request',
          recordId: row.id,
          organisationId: row.gp_organisation_id,
          categories: requestCategories({
            hasPhone: row.has_phone,
            hasEmail: row.has_email,
            hasConcernNote: row.has_concern_note,
            hasReferrerEmail: row.has_referrer_email,
          }),
          term,
          ...auditedTerm(termOf(term, this.#options.terms)),
          termStartedAt: fact.started,
          deletedAt: now,
        };
      }),
    });
    return deleted.length;
  }

  async #closingNotes(tx: Transaction, now: Date): Promise<number> {
    const cutoff = retentionCutoffs(now, this.#options.terms).closing_notes;
    const cleared = await tx.$queryRawUnsafe<{ id: string; team_id: string; ended_at: Date }[]>(
      `UPDATE referral SET closing_notes = NULL, updated_at = $2
        WHERE id IN (SELECT id FROM referral WHERE closing_notes IS NOT NULL AND ended_at < $1
                      ORDER BY ended_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING id::text, team_id::text, ended_at`,
      cutoff,
      now,
    );
    if (cleared.length === 0) return 0;
    await tx.retentionAudit.createMany({
      data: cleared.map((row) => ({
        recordKind: 'referral_closing_notes',
        recordId: row.id,
        organisationId: row.team_id,
        categories: ['closing_notes'],
        term: 'closing_notes',
        ...auditedTerm(termOf('closing_notes', this.#options.terms)),
        termStartedAt: row.ended_at,
        deletedAt: now,
      })),
    });
    return cleared.length;
  }
}

import type { Log } from '@vangnet/messaging/log';
import { periodicWorker } from '@vangnet/messaging/worker';
import type { Clock } from '../../clock.ts';
import type { PrismaClient, Transaction } from '../../db.ts';
import { applyAction } from '../lifecycle/apply.ts';
import type { Actor } from '../lifecycle/decide.ts';

const timer: Actor = { kind: 'timer', id: 'deadline-timer' };

export interface DeadlineTimerOptions {
  prisma: PrismaClient;
  clock: Clock;
  eventSource: string;
  intervalMs: number;
  log: Log;
}

/**
 * Expires and escalates referrals on time. The timers are columns of the
 * referral (`escalates_at`, `expires_at`), so they survive restarts and need
 * nothing in memory; each due referral is taken with FOR UPDATE SKIP LOCKED,
 * so several instances share the work and none waits on another's rows.
 * Each referral is handled in its own transaction with its event, through
 * the same lifecycle as a person's action (a team accepting at the same
 * moment wins or loses cleanly on the row lock).
 */
export class DeadlineTimer {
  readonly #options: DeadlineTimerOptions;
  readonly #worker: ReturnType<typeof periodicWorker>;

  constructor(options: DeadlineTimerOptions) {
    this.#options = options;
    // The first run one interval after start, as every later one.
    this.#worker = periodicWorker('deadline timer run', options.log, options.intervalMs, () => this.runDue(), {
      tickOnStart: false,
    });
  }

  start(): void {
    void this.#worker?.start();
  }

  async stop(): Promise<void> {
    await this.#worker?.stop();
  }

  /**
   * Handles every timer due at the clock's now: escalations first (a
   * referral still routed on its escalation date), then expiries. Returns
   * what it did; tests call it after moving the clock. `teamIds` narrows
   * the run to some teams: a test on the shared topics holds referrals of
   * every other test's decisions and must not expire those.
   */
  async runDue(scope: { teamIds?: string[] } = {}): Promise<{ escalated: string[]; expired: string[] }> {
    const now = this.#options.clock();
    const teams = scope.teamIds ?? null;
    const escalated = await this.#drain(now, 'escalate', teams);
    const expired = await this.#drain(now, 'expire', teams);
    return { escalated, expired };
  }

  async #drain(now: Date, action: 'escalate' | 'expire', teams: string[] | null): Promise<string[]> {
    const done: string[] = [];
    // A referral whose transition fails is left for the next run, not retried in a loop that would block the rest.
    const failed: string[] = [];
    for (;;) {
      let id: string | undefined;
      try {
        id = await this.#options.prisma.$transaction(async (tx: Transaction) => {
          const due =
            action === 'escalate'
              ? await tx.$queryRaw<{ id: string }[]>`
                  SELECT id::text FROM referral
                   WHERE status = 'routed' AND escalated_at IS NULL AND escalates_at <= ${now}
                     AND (${teams}::uuid[] IS NULL OR team_id = ANY(${teams}::uuid[]))
                     AND id <> ALL(${failed}::uuid[])
                   ORDER BY escalates_at LIMIT 1 FOR UPDATE SKIP LOCKED`
              : await tx.$queryRaw<{ id: string }[]>`
                  SELECT id::text FROM referral
                   WHERE status = 'routed' AND expires_at <= ${now}
                     AND (${teams}::uuid[] IS NULL OR team_id = ANY(${teams}::uuid[]))
                     AND id <> ALL(${failed}::uuid[])
                   ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`;
          const found = due[0]?.id;
          if (!found) return undefined;
          id = found;
          await applyAction(tx, { referralId: found }, { action }, timer, now, { source: this.#options.eventSource });
          return found;
        });
      } catch (error) {
        if (!id) throw error;
        failed.push(id);
        this.#options.log.error({ err: error, referralId: id, action }, 'deadline timer could not handle a referral');
        continue;
      }
      if (!id) return done;
      done.push(id);
    }
  }
}

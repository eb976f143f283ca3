import { randomUUID } from 'node:crypto';
import type { SignalRequest, SignalResponse } from '@vangnet/contracts/http/signals';
import { appendToOutbox } from '@vangnet/db/outbox';
import type { OutboxContext } from '@vangnet/messaging/outbox';
import type { PrismaClient, Transaction } from '../../db.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { caseEventMessage, type IntakeChannel } from '../../integration/signal-events.ts';
import { toSignalResponse } from '../signal-response.ts';
import {
  type AcceptedSignal,
  decideReceiveSignal,
  type IntakeSettings,
  type Partner,
  validateSignal,
} from './decide.ts';
import { householdKey, matchingCutoff, personKey } from './rules.ts';

export interface IntakeDeps {
  prisma: PrismaClient;
  eventSource: string;
  settings: IntakeSettings & { matchingPeriodMonths: number };
}

// Namespaces the household locks from the relay's and the migrator's advisory locks.
export const HOUSEHOLD_LOCK_NAMESPACE = 7362;

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

const asDate = (iso: string | null) => (iso ? new Date(`${iso}T00:00:00Z`) : null);

/**
 * Locks the households and the people a transaction is about to look up and
 * join, in one statement and in a fixed order (by hash), so two intakes that
 * share a household or a person wait for each other instead of opening two
 * cases, and two chunks locking many never deadlock.
 */
export async function lockHouseholds(tx: Transaction, households: string[], people: string[]) {
  const keys = [...households, ...people.map((person) => `person:${person}`)];
  if (keys.length === 0) return;
  await tx.$queryRaw`
    SELECT count(*)::int AS locked FROM (
      SELECT pg_advisory_xact_lock(${HOUSEHOLD_LOCK_NAMESPACE}::int, h)
        FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(${keys}::text[]) AS k ORDER BY 1) AS sorted
    ) AS locks`;
}

export function signalRow(signal: AcceptedSignal) {
  return {
    ...signal,
    preconditions: signal.preconditions ?? Prisma.DbNull,
    subjectDateOfBirth: asDate(signal.subjectDateOfBirth),
    arrearsSince: asDate(signal.arrearsSince),
    crisisPlannedOn: asDate(signal.crisisPlannedOn),
    absenceFrom: asDate(signal.absenceFrom),
    absenceTo: asDate(signal.absenceTo),
  };
}

/**
 * Takes in one signal: the single route and each batch item go through here.
 * Idempotent per partner reference (a resend answers with the first signal).
 * The household's lookups and writes run under a lock on the household, so
 * two signals for one address arriving together open one case, not two, and
 * the case's events are appended in the order their rows change.
 */
export async function takeInSignal(
  deps: IntakeDeps,
  partner: Partner,
  request: SignalRequest,
  trace: Omit<OutboxContext, 'source'>,
  channel: IntakeChannel = 'single',
): Promise<{ signal: SignalResponse; created: boolean }> {
  const { prisma, settings } = deps;
  const findFirst = () =>
    prisma.signal.findUnique({
      where: { partnerId_reference: { partnerId: partner.id, reference: request.reference } },
    });
  const existing = await findFirst();
  if (existing) return { signal: toSignalResponse(existing), created: false };

  const now = new Date();
  validateSignal(partner, request, now);
  const key = householdKey(request.address);
  const person = personKey(request.subject);
  const cutoff = matchingCutoff(now, settings.matchingPeriodMonths);
  try {
    const signal = await prisma.$transaction(async (tx: Transaction) => {
      await lockHouseholds(tx, [key], person ? [person] : []);
      const previousFromPartner = await tx.signal.findFirst({
        where: { partnerId: partner.id, type: request.type, householdKey: key, receivedAt: { gte: cutoff } },
        orderBy: { receivedAt: 'desc' },
        select: { arrearsCents: true },
      });
      // FOR UPDATE: a case that referral feedback is closing right now is waited for and then re-checked
      // (no longer open, so not joined); otherwise a signal could join a case that just closed.
      // The household's case first; else the same person's case at another address (a move, or two homes).
      const [openCase] = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM household_case
         WHERE status = 'open' AND last_signal_at >= ${cutoff}
           AND (household_key = ${key}
                OR id IN (SELECT case_id FROM signal
                           WHERE person_key = ${person} AND case_id IS NOT NULL AND received_at >= ${cutoff}))
         ORDER BY household_key = ${key} DESC, last_signal_at DESC LIMIT 1
         FOR UPDATE`;
      const { signal, caseChange } = decideReceiveSignal({
        partner,
        request,
        signalId: randomUUID(),
        newCaseId: randomUUID(),
        household: { previousFromPartner, openCaseId: openCase?.id ?? null },
        settings,
        now,
      });
      const context = { source: deps.eventSource, ...trace };
      if (caseChange?.kind === 'opened') {
        await tx.householdCase.create({
          data: {
            id: caseChange.caseId,
            householdKey: key,
            postcode: signal.postcode,
            houseNumber: signal.houseNumber,
            houseNumberAddition: signal.houseNumberAddition,
            status: 'open',
            openedAt: now,
            lastSignalAt: now,
          },
        });
      } else if (caseChange?.kind === 'added') {
        await tx.householdCase.update({ where: { id: caseChange.caseId }, data: { lastSignalAt: now } });
      }
      await tx.signal.create({ data: signalRow(signal) });
      // Repeat and unjustified signals are kept for the partner's feedback and the monitor, but never reach a team.
      if (caseChange) {
        await appendToOutbox(tx, [caseEventMessage(caseChange, signal, context, channel)]);
      }
      return signal;
    });
    // The transaction has committed: the signal is durable before the answer leaves.
    return { signal: toSignalResponse(signal), created: true };
  } catch (error) {
    // Two resends racing: the loser answers with the winner's signal.
    if (!isUniqueViolation(error)) throw error;
    const winner = await findFirst();
    if (!winner) throw error;
    return { signal: toSignalResponse(winner), created: false };
  }
}

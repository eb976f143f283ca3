import { randomUUID } from 'node:crypto';
import type { SignalRequest } from '@vangnet/contracts/http/signals';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import type { OutboxMessage } from '@vangnet/messaging/outbox';
import { DomainError } from '@vangnet/platform/problem';
import type { Transaction } from '../../db.ts';
import { caseEventMessage } from '../../integration/signal-events.ts';
import { type AcceptedSignal, decideReceiveSignal, type Partner } from '../receive-signal/decide.ts';
import { type IntakeDeps, lockHouseholds } from '../receive-signal/intake.ts';
import { householdKey, matchingCutoff, personKey } from '../receive-signal/rules.ts';
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

async function appendManyToOutbox(tx: Transaction, messages: OutboxMessage[]) {
  if (messages.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox (event_id, topic, message_key, headers, payload)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])`,
    messages.map((message) => message.eventId),
    messages.map((message) => message.topic),
    messages.map((message) => message.messageKey),
    messages.map((message) => JSON.stringify(message.headers)),
    messages.map((message) => JSON.stringify(message.payload)),
  );
}

/** The signal columns in insert order, with their array types for unnest. */
const SIGNAL_COLUMNS: [column: string, type: string, value: (signal: AcceptedSignal) => unknown][] = [
  ['id', 'uuid', (s) => s.id],
  ['partner_id', 'text', (s) => s.partnerId],
  ['partner_kind', 'text', (s) => s.partnerKind],
  ['reference', 'text', (s) => s.reference],
  ['type', 'text', (s) => s.type],
  ['status', 'text', (s) => s.status],
  ['closing_result', 'text', (s) => s.closingResult],
  ['feedback_status', 'text', (s) => s.feedbackStatus],
  ['case_id', 'uuid', (s) => s.caseId],
  ['household_key', 'text', (s) => s.householdKey],
  ['person_key', 'text', (s) => s.personKey],
  ['postcode', 'text', (s) => s.postcode],
  ['house_number', 'int', (s) => s.houseNumber],
  ['house_number_addition', 'text', (s) => s.houseNumberAddition],
  ['subject_given_name', 'text', (s) => s.subjectGivenName],
  ['subject_family_name', 'text', (s) => s.subjectFamilyName],
  ['subject_date_of_birth', 'date', (s) => s.subjectDateOfBirth],
  ['subject_phone', 'text', (s) => s.subjectPhone],
  ['subject_email', 'text', (s) => s.subjectEmail],
  ['arrears_cents', 'int', (s) => s.arrearsCents],
  ['arrears_since', 'date', (s) => s.arrearsSince],
  ['crisis', 'boolean', (s) => s.crisis],
  ['crisis_kind', 'text', (s) => s.crisisKind],
  ['crisis_planned_on', 'date', (s) => s.crisisPlannedOn],
  ['preconditions', 'jsonb', (s) => (s.preconditions ? JSON.stringify(s.preconditions) : null)],
  ['absence_hours', 'int', (s) => s.absenceHours],
  ['absence_from', 'date', (s) => s.absenceFrom],
  ['absence_to', 'date', (s) => s.absenceTo],
  ['received_at', 'timestamptz', (s) => s.receivedAt.toISOString()],
  ['closed_at', 'timestamptz', (s) => s.closedAt?.toISOString() ?? null],
];

const INSERT_SIGNALS = `INSERT INTO signal (${SIGNAL_COLUMNS.map(([column]) => column).join(', ')})
  SELECT * FROM unnest(${SIGNAL_COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')})`;

/**
 * One INSERT for the chunk's signals, a column array each: the row-by-row
 * mapping of the ORM costs about a second per thousand rows here, this a
 * few tens of milliseconds. The values are the same `AcceptedSignal` that
 * `takeInSignal` stores through the ORM.
 */
async function insertSignals(tx: Transaction, signals: AcceptedSignal[]) {
  if (signals.length === 0) return;
  await tx.$executeRawUnsafe(
    INSERT_SIGNALS,
    ...SIGNAL_COLUMNS.map(([, , value]) => signals.map((signal) => value(signal))),
  );
}

/**
 * Takes in one chunk of a file's rows inside the caller's transaction,
 * exactly as `takeInSignal` takes in one signal, but with one round trip
 * per step for the whole chunk instead of one per row: the same schema,
 * the same `decideReceiveSignal`, the same household locks and reads.
 *
 * - A reference the partner already used (before, or earlier in the file)
 *   is a duplicate: counted, not stored again.
 * - The chunk's households are locked in one sorted pass (no deadlock with
 *   another chunk), then read at once; the rows are decided in file order
 *   against that state, each decision updating it for the next row, so two
 *   rows for one household join one case as two single requests would.
 */
export async function takeInChunk(
  tx: Transaction,
  deps: IntakeDeps,
  file: FileInHand,
  rows: PreparedRow[],
  now: Date,
): Promise<ChunkOutcome> {
  const partner: Partner = { id: file.partnerId, kind: file.partnerKind };
  const errors: RowError[] = [];
  const candidates: { row: number; request: SignalRequest }[] = [];
  for (const row of rows) {
    if (row.ok) candidates.push(row);
    else
      errors.push({ row: row.row, code: row.code, ...(row.detail ? { detail: row.detail } : {}), errors: row.errors });
  }

  const references = candidates.map((candidate) => candidate.request.reference);
  const known = await tx.$queryRaw<{ reference: string }[]>`
    SELECT reference FROM signal WHERE partner_id = ${partner.id} AND reference = ANY(${references}::text[])`;
  const used = new Set(known.map((row) => row.reference));
  let duplicates = 0;
  const fresh: typeof candidates = [];
  for (const candidate of candidates) {
    if (used.has(candidate.request.reference)) duplicates += 1;
    else {
      used.add(candidate.request.reference);
      fresh.push(candidate);
    }
  }

  const keys = [...new Set(fresh.map((candidate) => householdKey(candidate.request.address)))];
  const cutoff = matchingCutoff(now, deps.settings.matchingPeriodMonths);
  const people = [...new Set(fresh.flatMap((candidate) => personKey(candidate.request.subject) ?? []))];
  await lockHouseholds(tx, keys, people);
  const previous = await tx.$queryRaw<{ type: string; household_key: string; arrears_cents: number | null }[]>`
    SELECT DISTINCT ON (type, household_key) type, household_key, arrears_cents
      FROM signal
     WHERE partner_id = ${partner.id} AND household_key = ANY(${keys}::text[]) AND received_at >= ${cutoff}
     ORDER BY type, household_key, received_at DESC`;
  const previousByKey = new Map<string, { arrearsCents: number | null }>(
    previous.map((row) => [`${row.type}|${row.household_key}`, { arrearsCents: row.arrears_cents }]),
  );
  // FOR UPDATE as in takeInSignal: a case being closed right now is waited for, then not joined.
  const openCases = await tx.$queryRaw<{ id: string; household_key: string; person_keys: string[] | null }[]>`
    SELECT c.id::text, c.household_key,
           (SELECT array_agg(DISTINCT s.person_key) FROM signal s
             WHERE s.case_id = c.id AND s.person_key = ANY(${people}::text[]) AND s.received_at >= ${cutoff}) AS person_keys
      FROM household_case c
     WHERE c.status = 'open' AND c.last_signal_at >= ${cutoff}
       AND (c.household_key = ANY(${keys}::text[])
            OR c.id IN (SELECT case_id FROM signal
                         WHERE person_key = ANY(${people}::text[]) AND case_id IS NOT NULL AND received_at >= ${cutoff}))
     ORDER BY c.last_signal_at DESC
     FOR UPDATE OF c`;
  const openCaseByKey = new Map<string, string>();
  const openCaseByPerson = new Map<string, string>();
  for (const openCase of openCases) {
    if (!openCaseByKey.has(openCase.household_key)) openCaseByKey.set(openCase.household_key, openCase.id);
    for (const person of openCase.person_keys ?? []) {
      if (!openCaseByPerson.has(person)) openCaseByPerson.set(person, openCase.id);
    }
  }

  const signals: AcceptedSignal[] = [];
  const openedCases: AcceptedSignal[] = [];
  const joinedCaseIds = new Set<string>();
  const messages: OutboxMessage[] = [];
  const context = { source: deps.eventSource, ...file.trace };
  for (const { row, request } of fresh) {
    const key = householdKey(request.address);
    const person = personKey(request.subject);
    try {
      const { signal, caseChange } = decideReceiveSignal({
        partner,
        request,
        signalId: randomUUID(),
        newCaseId: randomUUID(),
        household: {
          previousFromPartner: previousByKey.get(`${request.type}|${key}`) ?? null,
          openCaseId: openCaseByKey.get(key) ?? (person ? openCaseByPerson.get(person) : undefined) ?? null,
        },
        settings: deps.settings,
        now,
      });
      signals.push(signal);
      previousByKey.set(`${request.type}|${key}`, { arrearsCents: signal.arrearsCents });
      // As a later row of this chunk would find it: the case just touched is the person's latest.
      if (caseChange && person) openCaseByPerson.set(person, caseChange.caseId);
      if (caseChange?.kind === 'opened') {
        openCaseByKey.set(key, caseChange.caseId);
        openedCases.push(signal);
        messages.push(caseEventMessage(caseChange, signal, context, 'file'));
      } else if (caseChange?.kind === 'added') {
        joinedCaseIds.add(caseChange.caseId);
        messages.push(caseEventMessage(caseChange, signal, context, 'file'));
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      errors.push({ row, code: error.code, detail: error.message, errors: withColumns(error.errors ?? []) });
    }
  }

  if (openedCases.length > 0) {
    await tx.$executeRawUnsafe(
      `INSERT INTO household_case (id, household_key, postcode, house_number, house_number_addition, status, opened_at, last_signal_at)
       SELECT id, household_key, postcode, house_number, addition, 'open', $6, $6
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[])
              AS opened (id, household_key, postcode, house_number, addition)`,
      openedCases.map((signal) => signal.caseId),
      openedCases.map((signal) => signal.householdKey),
      openedCases.map((signal) => signal.postcode),
      openedCases.map((signal) => signal.houseNumber),
      openedCases.map((signal) => signal.houseNumberAddition),
      now,
    );
  }
  if (joinedCaseIds.size > 0) {
    await tx.$executeRaw`
      UPDATE household_case SET last_signal_at = ${now} WHERE id = ANY(${[...joinedCaseIds]}::uuid[])`;
  }
  await insertSignals(tx, signals);
  await appendManyToOutbox(tx, messages);
  if (errors.length > 0) {
    await tx.signalFileError.createMany({
      data: errors.map((error) => ({
        fileId: file.id,
        rowNumber: error.row,
        code: error.code,
        detail: error.detail ?? null,
        errors: error.errors as object[],
      })),
    });
  }
  return { accepted: signals.length, rejected: errors.length, duplicates, errors };
}

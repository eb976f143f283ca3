import { randomUUID } from 'node:crypto';
import type { SignalRequest, SignalResponse } from '@vangnet/contracts/http/signals';
import type { OutboxContext, OutboxMessage } from '@vangnet/messaging/outbox';
import type { DomainError } from '@vangnet/platform/problem';
import type pg from 'pg';
import type { PrismaClient } from '../../db.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import {
  caseEventMessage,
  crisisReopening,
  type IntakeChannel,
  type OpeningSignal,
} from '../../integration/signal-events.ts';
import { toSignalResponse } from '../signal-response.ts';
import type { AcceptedSignal, IntakeSettings, Partner } from './decide.ts';
import { type ChunkState, decideChunk, type ItemOutcome } from './decide-chunk.ts';
import { householdKey, matchingCutoff, personKey } from './rules.ts';

/**
 * The intake engine: the single route, the batch route and the file job all
 * take signals in through `takeInChunk`, a chunk of the single signals that
 * arrived together (see SingleSignals), of a batch, or of a file's rows. Per
 * chunk it costs two statements inside the caller's transaction, whatever
 * the chunk's size:
 *
 * 1. `signal_intake_read` (a plpgsql function, see its migration): the
 *    household and person advisory locks in one sorted pass, the row locks on
 *    the open cases the chunk may join, then the references already used, the
 *    partner's latest signal per household and type, and those open cases;
 * 2. one statement of data-modifying CTEs: the new cases, the joined cases'
 *    last signal time, the signals and their outbox rows.
 *
 * Between the two, `decideChunk` decides every item in order, pure.
 */

export interface IntakeDeps {
  prisma: PrismaClient;
  /** The pool the engine's transactions run on (the one the Prisma client shares). */
  pool: pg.Pool;
  eventSource: string;
  settings: IntakeSettings & { matchingPeriodMonths: number };
}

async function readChunkState(
  client: pg.ClientBase,
  partner: Partner,
  requests: readonly SignalRequest[],
  cutoff: Date,
): Promise<ChunkState> {
  const keys = [...new Set(requests.map((request) => householdKey(request.address)))];
  const people = [...new Set(requests.flatMap((request) => personKey(request.subject) ?? []))];
  const references = [...new Set(requests.map((request) => request.reference))];
  const pairs = [...new Set(requests.map((request) => `${request.type}|${householdKey(request.address)}`))];
  const { rows } = await client.query<{ state: ChunkState }>({
    // Named: prepared once per connection, not parsed again for every signal.
    name: 'signal-intake-read',
    text: 'SELECT signal_intake_read($1, $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz) AS state',
    values: [
      partner.id,
      references,
      keys,
      people,
      pairs.map((pair) => pair.slice(0, pair.indexOf('|'))),
      pairs.map((pair) => pair.slice(pair.indexOf('|') + 1)),
      cutoff,
    ],
  });
  return (rows[0] as { state: ChunkState }).state;
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

/** $1..$5 new cases, $6 joined cases, $7 now, $8..$12 outbox rows, then a column array per signal column. */
const FIRST_SIGNAL_PARAMETER = 13;

/**
 * A signal that joins a case waiting in the coordinator queue (the router
 * found no team) shows `with_coordinator` to its partner from the start.
 * Only a joined case can be waiting (a case this chunk opens is not routed
 * yet), and the read step locked the joined cases, so the flag cannot
 * change before the commit.
 */
const FEEDBACK_STATUS = `CASE WHEN s.feedback_status = 'in_progress' AND waiting.id IS NOT NULL
                              THEN 'with_coordinator' ELSE s.feedback_status END`;

/**
 * All of a chunk's writes in one statement, each table's rows as one column
 * array per column (unnest): row-by-row ORM inserts cost about a second per
 * thousand rows, jsonb_populate_recordset several times this. The signals'
 * foreign key to a case opened by the sibling CTE holds: it is checked at the
 * end of the statement.
 */
const WRITE_CHUNK = `
  WITH opened AS (
    INSERT INTO household_case (id, household_key, postcode, house_number, house_number_addition, status,
                                opened_at, last_signal_at)
    SELECT id, household_key, postcode, house_number, addition, 'open', $7, $7
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[])
           AS opened (id, household_key, postcode, house_number, addition)
  ), joined AS (
    UPDATE household_case SET last_signal_at = $7 WHERE id = ANY($6::uuid[])
  ), events AS (
    INSERT INTO outbox (event_id, topic, message_key, headers, payload)
    SELECT * FROM unnest($8::uuid[], $9::text[], $10::text[], $11::jsonb[], $12::jsonb[])
  )
  INSERT INTO signal (${SIGNAL_COLUMNS.map(([column]) => column).join(', ')})
  SELECT ${SIGNAL_COLUMNS.map(([column]) => (column === 'feedback_status' ? FEEDBACK_STATUS : `s.${column}`)).join(', ')}
    FROM unnest(${SIGNAL_COLUMNS.map(([, type], index) => `$${index + FIRST_SIGNAL_PARAMETER}::${type}[]`).join(', ')})
         AS s (${SIGNAL_COLUMNS.map(([column]) => column).join(', ')})
    LEFT JOIN (SELECT id FROM household_case WHERE id = ANY($6::uuid[]) AND with_coordinator) AS waiting
           ON waiting.id = s.case_id`;

async function writeChunk(
  client: pg.ClientBase,
  outcomes: ItemOutcome[],
  now: Date,
  contextOf: (index: number) => OutboxContext,
  channel: IntakeChannel,
) {
  const opened: AcceptedSignal[] = [];
  const joined = new Set<string>();
  const signals: AcceptedSignal[] = [];
  const messages: OutboxMessage[] = [];
  const reopened = await casesJoinedByCrisis(client, outcomes);
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.kind !== 'accepted') continue;
    const { signal, caseChange } = outcome;
    const context = contextOf(index);
    signals.push(signal);
    // Repeat and unjustified signals are kept for the partner's feedback and the monitor, but never reach a team.
    if (!caseChange) continue;
    if (caseChange.kind === 'opened') opened.push(signal);
    else joined.add(caseChange.caseId);
    const opening = caseChange.kind === 'added' && signal.crisis ? reopened.get(caseChange.caseId) : undefined;
    if (opening) messages.push(crisisReopening(caseChange.caseId, opening, context));
    messages.push(caseEventMessage(caseChange, signal, context, channel));
  }
  if (signals.length === 0) return;
  const params = [
    opened.map((signal) => signal.caseId),
    opened.map((signal) => signal.householdKey),
    opened.map((signal) => signal.postcode),
    opened.map((signal) => signal.houseNumber),
    opened.map((signal) => signal.houseNumberAddition),
    [...joined],
    now,
    messages.map((message) => message.eventId),
    messages.map((message) => message.topic),
    messages.map((message) => message.messageKey),
    messages.map((message) => JSON.stringify(message.headers)),
    messages.map((message) => JSON.stringify(message.payload)),
    ...SIGNAL_COLUMNS.map(([, , value]) => signals.map((signal) => value(signal))),
  ];
  await client.query({ name: 'signal-intake-write', text: WRITE_CHUNK, values: params });
}

/**
 * The opening signals of the cases a crisis of the chunk joins (see
 * crisisReopening). A third statement only for a chunk with such a crisis,
 * which is rare; the cases are locked already (signal_intake_read).
 */
async function casesJoinedByCrisis(
  client: pg.ClientBase,
  outcomes: ItemOutcome[],
): Promise<Map<string, OpeningSignal>> {
  const caseIds = outcomes.flatMap((outcome) =>
    outcome.kind === 'accepted' && outcome.signal.crisis && outcome.caseChange?.kind === 'added'
      ? [outcome.caseChange.caseId]
      : [],
  );
  if (caseIds.length === 0) return new Map();
  const cases = new Map<string, OpeningSignal>();
  // A case an earlier item of this chunk opened is not written yet: its opening signal is at hand.
  for (const outcome of outcomes) {
    if (outcome.kind === 'accepted' && outcome.caseChange?.kind === 'opened') {
      cases.set(outcome.caseChange.caseId, outcome.signal);
    }
  }
  const stored = caseIds.filter((caseId) => !cases.has(caseId));
  if (stored.length === 0) return cases;
  const { rows } = await client.query<{
    case_id: string;
    id: string;
    partner_id: string;
    type: OpeningSignal['type'];
    postcode: string;
    house_number: number;
    arrears_cents: number | null;
    subject_date_of_birth: string | null;
    received_at: Date;
  }>(
    `SELECT DISTINCT ON (s.case_id) s.case_id, s.id, s.partner_id, s.type, s.postcode, s.house_number,
            s.arrears_cents, s.subject_date_of_birth::text, s.received_at
       FROM signal s WHERE s.case_id = ANY($1::uuid[])
      ORDER BY s.case_id, s.received_at, s.id`,
    [stored],
  );
  for (const row of rows) {
    cases.set(row.case_id, {
      id: row.id,
      partnerId: row.partner_id,
      type: row.type,
      crisis: false,
      postcode: row.postcode,
      houseNumber: row.house_number,
      arrearsCents: row.arrears_cents,
      subjectDateOfBirth: row.subject_date_of_birth,
      receivedAt: row.received_at,
    });
  }
  return cases;
}

/** The trace headers outbox rows carry: one for a whole chunk (a batch, a file), or one per request. */
export type Trace = Omit<OutboxContext, 'source'>;

/**
 * Takes in a chunk of signals inside the caller's transaction: read, decide,
 * write. One outcome per request, in order. The chunk's outbox rows carry
 * `trace` (the batch's or the upload's, or each single request's own), on
 * the lane of `channel`.
 */
export async function takeInChunk(
  client: pg.ClientBase,
  deps: Pick<IntakeDeps, 'eventSource' | 'settings'>,
  partner: Partner,
  requests: readonly SignalRequest[],
  now: Date,
  trace: Trace | readonly Trace[],
  channel: IntakeChannel,
): Promise<ItemOutcome[]> {
  if (requests.length === 0) return [];
  const cutoff = matchingCutoff(now, deps.settings.matchingPeriodMonths);
  const state = await readChunkState(client, partner, requests, cutoff);
  const outcomes = decideChunk({ partner, requests, state, settings: deps.settings, now, newId: randomUUID });
  const source = deps.eventSource;
  // Array.isArray does not narrow a readonly array, hence the casts.
  const contextOf = Array.isArray(trace)
    ? (index: number) => ({ source, ...(trace as readonly Trace[])[index] })
    : () => ({ source, ...(trace as Trace) });
  await writeChunk(client, outcomes, now, contextOf, channel);
  return outcomes;
}

const driverCode = (error: unknown): string => {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') return '23505';
    if (error.code === 'P2034') return '40P01';
    const meta = error.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined;
    return meta?.driverAdapterError?.cause?.originalCode ?? '';
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/**
 * A unique reference taken by a concurrent intake, or a deadlock with one:
 * the chunk is redone, and re-reads what is known (so the reference then
 * counts as a duplicate). Raw statements through Prisma's driver adapter
 * report the PostgreSQL code inside `meta` (P2010), its own ones as P2002.
 */
export function isRetryable(error: unknown): boolean {
  return ['23505', '40P01'].includes(driverCode(error));
}

/** Runs `work` in one transaction on its own connection, redone (up to `attempts` times) when it collided. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt >= attempts || !isRetryable(error)) throw error;
    } finally {
      client.release();
    }
  }
}

export type IntakeResult =
  | { status: 'accepted'; signal: SignalResponse; created: boolean }
  | { status: 'rejected'; error: DomainError };

/**
 * Takes in signals from one partner in one transaction: the single route
 * (one signal) and the batch route (up to 1,000). Idempotent per partner
 * reference: a reference used before answers with the first signal. The
 * transaction has committed before this returns, so every accepted signal is
 * durable before the answer leaves.
 */
export async function takeInSignals(
  deps: IntakeDeps,
  partner: Partner,
  requests: readonly SignalRequest[],
  trace: Trace | readonly Trace[],
  channel: Exclude<IntakeChannel, 'file'>,
): Promise<IntakeResult[]> {
  const outcomes = await inTransaction(deps.pool, (client) =>
    takeInChunk(client, deps, partner, requests, new Date(), trace, channel),
  );
  const stored = outcomes.flatMap((outcome) =>
    outcome.kind === 'duplicate' && !outcome.signal ? [outcome.reference] : [],
  );
  // Only resends cost this read: the first signal of each reference, to answer with.
  const firsts =
    stored.length === 0
      ? new Map()
      : new Map(
          (
            await deps.prisma.signal.findMany({
              where: { partnerId: partner.id, reference: { in: stored } },
              select: { id: true, reference: true, type: true, feedbackStatus: true, caseId: true, receivedAt: true },
            })
          ).map((signal) => [signal.reference, signal]),
        );
  return outcomes.map((outcome): IntakeResult => {
    if (outcome.kind === 'rejected') return { status: 'rejected', error: outcome.error };
    if (outcome.kind === 'accepted')
      return { status: 'accepted', signal: toSignalResponse(outcome.signal), created: true };
    const first = outcome.signal ?? firsts.get(outcome.reference);
    // Only retention deletes a signal: one deleted since the read is an error the partner can resend after.
    if (!first) throw new Error('a known reference has no signal');
    return { status: 'accepted', signal: toSignalResponse(first), created: false };
  });
}

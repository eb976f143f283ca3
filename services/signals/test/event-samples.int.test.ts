import { randomUUID } from 'node:crypto';
import { nlGovSource } from '@vangnet/contracts/envelope';
import { eventDefinitionOf, isCurrentVersion } from '@vangnet/contracts/registry';
import { type EventSample, readSamples } from '@vangnet/contracts/samples';
import { CaseClosedV1 } from '@vangnet/contracts/signals';
import { decodeEvent, type EventHandler } from '@vangnet/messaging/consumer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../src/db.ts';
import { routingStatusHandlers } from '../src/features/routing-status/consumer.ts';
import { caseAccessHandlers, caseFeedbackHandlers } from '../src/integration/consumers.ts';
import { rentSignal, startSignals } from './harness.ts';

/**
 * Every stored sample of every event signals consumes, in every version ever
 * published, goes through the service's own handlers as the consumer would
 * read it from Kafka, in a transaction on the service's real database: a
 * version no handler reads, or one a handler misreads, fails here and not in
 * production. (Until December 2026 this ran against a fake transaction that
 * recognised statements by their text; every rewrite of a statement broke it.)
 */
let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  signals = await startSignals();
});

afterAll(async () => {
  await signals?.close();
});

const samplesFor = (handlers: EventHandler<Transaction>[]) => {
  const names = new Set(handlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
  return readSamples().filter((sample) => {
    const definition = eventDefinitionOf(sample.type);
    return definition && names.has(`${definition.domain}.${definition.name}`);
  });
};

/** An open household case with one open signal, made by the service's own intake. */
async function openCase() {
  const landlord = await signals.token('landlord');
  const signal = (await signals.post(rentSignal(), landlord)).json() as { id: string; caseId: string };
  return signal;
}

/** The sample as the consumer would decode it, about `caseId`, handled in one transaction. */
async function handleAbout(handlers: EventHandler<Transaction>[], sample: EventSample, caseId: string) {
  const data = { ...(sample.data as object), item: { kind: 'case', id: caseId } };
  const decoded = decodeEvent(handlers, sample.headers, JSON.stringify(data));
  if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
  expect(isCurrentVersion(decoded.handler.definition)).toBe(true);
  await signals.app.prisma.$transaction((tx) =>
    decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} }),
  );
  return data as { teamId?: string };
}

describe('signals reads every published version of the events it consumes', () => {
  const handlers = caseFeedbackHandlers(nlGovSource('00000000000000000000', 'vangnet-signals'));
  const samples = samplesFor(handlers);

  it('has samples to read', () => {
    expect(samples.map((sample) => sample.type)).toContain('nl.vangnet.referrals.ReferralClosed.v1');
  });

  it.each(samples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives for a case, then the case closes and CaseClosed is published',
    async (_, sample) => {
      const { caseId } = await openCase();
      await handleAbout(handlers, sample, caseId);
      const { rows } = await signals.app.pool.query(
        `SELECT c.status, o.payload FROM household_case c
           LEFT JOIN outbox o ON o.message_key = c.id::text AND o.headers->>'ce_type' = $2
          WHERE c.id = $1`,
        [caseId, CaseClosedV1.type],
      );
      expect(rows).toEqual([{ status: 'closed', payload: expect.objectContaining({ caseId }) }]);
    },
  );

  it('when a stored ReferralClosed is about a household case, then CaseClosed is published with its result', async () => {
    const sample = samples.find((candidate) => candidate.type === 'nl.vangnet.referrals.ReferralClosed.v1');
    if (!sample) throw new Error('no ReferralClosed sample');
    const { caseId } = await openCase();
    await handleAbout(handlers, sample, caseId);
    const { rows } = await signals.app.pool.query(
      `SELECT payload FROM outbox WHERE message_key = $1 AND headers->>'ce_type' = $2`,
      [caseId, CaseClosedV1.type],
    );
    expect(rows.map((row: { payload: unknown }) => row.payload)).toEqual([
      expect.objectContaining({ caseId, result: 'follow_up_non_financial' }),
    ]);
  });
});

describe('the case-access read model reads every published version of the events it consumes', () => {
  const accessHandlers = caseAccessHandlers();
  const accessSamples = samplesFor(accessHandlers);

  it('has samples of routing decisions (v1 and v2) and of every referral end', () => {
    expect(accessSamples.map((sample) => sample.type).sort()).toEqual([
      'nl.vangnet.networks.RoutingDecided.v1',
      'nl.vangnet.networks.RoutingDecided.v2',
      'nl.vangnet.referrals.ReferralClosed.v1',
      'nl.vangnet.referrals.ReferralDeclined.v1',
      'nl.vangnet.referrals.ReferralExpired.v1',
      'nl.vangnet.referrals.ReferralTransferred.v1',
    ]);
  });

  it.each(accessSamples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives about a case, then the access of its team is written',
    async (type, sample) => {
      const caseId = randomUUID();
      const { teamId } = await handleAbout(accessHandlers, sample, caseId);
      const { rows } = await signals.app.pool.query(
        'SELECT team_id::text, active FROM case_team_access WHERE case_id = $1',
        [caseId],
      );
      expect(rows).toEqual([{ team_id: teamId, active: type.includes('RoutingDecided') }]);
    },
  );
});

describe('the routing status reads every published version of the routing outcomes', () => {
  const statusHandlers = routingStatusHandlers();
  const statusSamples = samplesFor(statusHandlers);

  it.each(statusSamples.map((sample) => [sample.type, sample] as const))(
    "when %s arrives about an open case, then its open signals take the outcome's status",
    async (type, sample) => {
      const { id, caseId } = await openCase();
      await handleAbout(statusHandlers, sample, caseId);
      const { rows } = await signals.app.pool.query(
        'SELECT s.feedback_status, c.with_coordinator FROM signal s JOIN household_case c ON c.id = s.case_id WHERE s.id = $1',
        [id],
      );
      const failed = type.includes('RoutingFailed');
      expect(rows).toEqual([
        { feedback_status: failed ? 'with_coordinator' : 'in_progress', with_coordinator: failed },
      ]);
    },
  );

  it('has samples of both outcomes', () => {
    expect(statusSamples.map((sample) => sample.type).sort()).toEqual([
      'nl.vangnet.networks.RoutingDecided.v1',
      'nl.vangnet.networks.RoutingDecided.v2',
      'nl.vangnet.networks.RoutingFailed.v1',
    ]);
  });
});

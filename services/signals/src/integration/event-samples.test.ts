import { nlGovSource } from '@vangnet/contracts/envelope';
import { eventDefinitionOf, isCurrentVersion } from '@vangnet/contracts/registry';
import { readSamples, sampleValue } from '@vangnet/contracts/samples';
import { CaseClosedV1 } from '@vangnet/contracts/signals';
import { decodeEvent } from '@vangnet/messaging/consumer';
import { describe, expect, it, vi } from 'vitest';
import type { Transaction } from '../db.ts';
import { routingStatusHandlers } from '../features/routing-status/consumer.ts';
import { caseAccessHandlers, caseFeedbackHandlers } from './consumers.ts';

/**
 * Every stored sample of every event signals consumes, in every version ever
 * published, goes through the service's own handlers as the consumer would
 * read it from Kafka: a version no handler reads fails here, not in production.
 */
const handlers = caseFeedbackHandlers(nlGovSource('00000000000000000000', 'vangnet-signals'));
const consumedNames = new Set(handlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
const samples = readSamples().filter((sample) => {
  const definition = eventDefinitionOf(sample.type);
  return definition && consumedNames.has(`${definition.domain}.${definition.name}`);
});

/** Just enough of a transaction: every case the sample names is open. */
function fakeTransaction() {
  const outbox: unknown[][] = [];
  const tx = {
    $queryRaw: vi.fn(async (_sql: TemplateStringsArray, ...values: unknown[]) => [{ id: values[0], status: 'open' }]),
    householdCase: { update: vi.fn(async () => ({})) },
    signal: { updateMany: vi.fn(async () => ({ count: 1 })) },
    $executeRaw: vi.fn(async (_sql: TemplateStringsArray, ...values: unknown[]) => {
      outbox.push(values);
      return 1;
    }),
  };
  return { tx: tx as unknown as Transaction, outbox };
}

describe('signals reads every published version of the events it consumes', () => {
  it('has samples to read', () => {
    expect(samples.map((sample) => sample.type)).toContain('nl.vangnet.referrals.ReferralClosed.v1');
  });

  it.each(samples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives for a case, then the case closes and CaseClosed is published',
    async (_, sample) => {
      const decoded = decodeEvent(handlers, sample.headers, sampleValue(sample));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      expect(isCurrentVersion(decoded.handler.definition)).toBe(true);
      const { tx, outbox } = fakeTransaction();
      await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });
      if ((decoded.data as { item: { kind: string } }).item.kind !== 'case') {
        expect(outbox).toEqual([]);
        return;
      }
      // INSERT INTO outbox (event_id, topic, message_key, headers, payload)
      expect(JSON.parse(String(outbox[0]?.[3]))).toMatchObject({ ce_type: CaseClosedV1.type });
    },
  );

  it('when a stored ReferralClosed is about a household case, then CaseClosed is published with its result', async () => {
    const sample = samples.find((candidate) => candidate.type === 'nl.vangnet.referrals.ReferralClosed.v1');
    if (!sample) throw new Error('no ReferralClosed sample');
    const data = { ...(sample.data as object), item: { kind: 'case', id: 'c41e9a77-2b08-4f5d-8e13-6a0d95b2f3c8' } };
    const decoded = decodeEvent(handlers, sample.headers, JSON.stringify(data));
    if (decoded === 'ignored') throw new Error('ignored');
    const { tx, outbox } = fakeTransaction();
    await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });
    expect(JSON.parse(String(outbox[0]?.[3]))).toMatchObject({ ce_type: CaseClosedV1.type });
    expect(JSON.parse(String(outbox[0]?.[4]))).toMatchObject({
      caseId: 'c41e9a77-2b08-4f5d-8e13-6a0d95b2f3c8',
      result: 'follow_up_non_financial',
    });
  });
});

describe('the case-access read model reads every published version of the events it consumes', () => {
  const accessHandlers = caseAccessHandlers();
  const names = new Set(accessHandlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
  const accessSamples = readSamples().filter((sample) => {
    const definition = eventDefinitionOf(sample.type);
    return definition && names.has(`${definition.domain}.${definition.name}`);
  });

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
    async (_, sample) => {
      const data = { ...(sample.data as object), item: { kind: 'case', id: 'c41e9a77-2b08-4f5d-8e13-6a0d95b2f3c8' } };
      const decoded = decodeEvent(accessHandlers, sample.headers, JSON.stringify(data));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      expect(isCurrentVersion(decoded.handler.definition)).toBe(true);
      const writes: unknown[][] = [];
      const tx = {
        $executeRaw: vi.fn(async (_sql: TemplateStringsArray, ...values: unknown[]) => {
          writes.push(values);
          return 1;
        }),
      } as unknown as Transaction;
      await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });
      // INSERT INTO case_team_access (case_id, team_id, active, as_of)
      expect(writes).toEqual([
        [
          'c41e9a77-2b08-4f5d-8e13-6a0d95b2f3c8',
          (sample.data as { teamId: string }).teamId,
          sample.type.includes('RoutingDecided'),
          expect.any(Date),
        ],
      ]);
    },
  );
});

describe('the routing status reads every published version of the routing outcomes', () => {
  const statusHandlers = routingStatusHandlers();
  const names = new Set(statusHandlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
  const statusSamples = readSamples().filter((sample) => {
    const definition = eventDefinitionOf(sample.type);
    return definition && names.has(`${definition.domain}.${definition.name}`);
  });

  it.each(statusSamples.map((sample) => [sample.type, sample] as const))(
    "when %s arrives about an open case, then its open signals take the outcome's status",
    async (type, sample) => {
      const data = { ...(sample.data as object), item: { kind: 'case', id: 'c41e9a77-2b08-4f5d-8e13-6a0d95b2f3c8' } };
      const decoded = decodeEvent(statusHandlers, sample.headers, JSON.stringify(data));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      expect(isCurrentVersion(decoded.handler.definition)).toBe(true);
      const { tx } = fakeTransaction();
      await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });
      const status = type.includes('RoutingFailed') ? 'with_coordinator' : 'in_progress';
      expect(tx.signal.updateMany).toHaveBeenCalledWith({
        where: { caseId: 'c41e9a77-2b08-4f5d-8e13-6a0d95b2f3c8', status: 'open' },
        data: { feedbackStatus: status },
      });
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

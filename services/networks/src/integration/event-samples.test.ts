import { nlGovSource } from '@vangnet/contracts/envelope';
import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { eventDefinitionOf, isCurrentVersion } from '@vangnet/contracts/registry';
import { readSamples, sampleValue } from '@vangnet/contracts/samples';
import { decodeEvent } from '@vangnet/messaging/consumer';
import { describe, expect, it, vi } from 'vitest';
import type { Transaction } from '../db.ts';
import { routerHandlers } from './consumers.ts';

/**
 * Every stored sample of every event the networks service consumes, in
 * every version ever published, goes through the router's own handlers as
 * the consumer would read it from Kafka. A new version that no handler or
 * upcaster reads fails here instead of being silently ignored in production.
 */
const handlers = routerHandlers(nlGovSource('00000001001234567000', 'vangnet-networks'));
const consumedNames = new Set(handlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
const samples = readSamples().filter((sample) => {
  const definition = eventDefinitionOf(sample.type);
  return definition && consumedNames.has(`${definition.domain}.${definition.name}`);
});

/** Just enough of a transaction for the router: every address in one neighbourhood, one catch-all rule, one team. */
function fakeTransaction() {
  const outbox: unknown[][] = [];
  const teamId = '0b6c1f52-3f0e-4a51-9a55-000000000001';
  const tx = {
    postcodeRange: {
      findMany: vi.fn(async ({ where }: { where: { postcode: { in: string[] } } }) => [
        {
          postcode: where.postcode.in.at(-1),
          houseNumberFrom: 1,
          houseNumberTo: 99999,
          neighbourhoodCode: 'BU99010101',
        },
      ]),
    },
    neighbourhood: {
      findUnique: vi.fn(async () => ({
        code: 'BU99010101',
        districtCode: 'WK990101',
        municipalityCode: 'GM9901',
        active: true,
      })),
    },
    routingRule: {
      findMany: vi.fn(async () => [
        { id: 'all', enabled: true, match: {}, teamId, informTeamIds: [], deadlineWorkingDays: 5 },
      ]),
    },
    team: {
      findMany: vi.fn(async () => [
        { id: teamId, name: 'Buurtteam Zeedorp-Noord', active: true, capacity: 10, openAssignments: 0 },
      ]),
      update: vi.fn(async () => ({})),
    },
    routingDecision: { create: vi.fn(async () => ({})) },
    routedItem: { upsert: vi.fn(async () => ({})) },
    coordinatorQueueItem: { create: vi.fn(async () => ({})) },
    $queryRaw: vi.fn(async () => []),
    $executeRaw: vi.fn(async (_sql: TemplateStringsArray, ...values: unknown[]) => {
      outbox.push(values);
      return 1;
    }),
  };
  return { tx: tx as unknown as Transaction, outbox };
}

describe('networks reads every published version of the events it consumes', () => {
  it('has samples to read', () => {
    expect(samples.map((sample) => sample.type)).toContain('nl.vangnet.signals.SignalReceived.v1');
  });

  it.each(samples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives, then the router decides on it and publishes RoutingDecided v2',
    async (_, sample) => {
      const decoded = decodeEvent(handlers, sample.headers, sampleValue(sample));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      const current = decoded.handler.definition;
      expect(isCurrentVersion(current), `${current.type} is not the current version`).toBe(true);
      expect(current.schema.safeParse(decoded.data).success).toBe(true);

      const { tx, outbox } = fakeTransaction();
      await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });
      // INSERT INTO outbox (event_id, topic, message_key, headers, payload)
      const [row] = outbox;
      expect(JSON.parse(String(row?.[3]))).toMatchObject({ ce_type: RoutingDecidedV2.type });
      expect(JSON.parse(String(row?.[4]))).toMatchObject({ attempt: 1, excludedTeamIds: [] });
    },
  );
});

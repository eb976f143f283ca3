import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { eventDefinitionOf, isCurrentVersion } from '@vangnet/contracts/registry';
import { readSamples, sampleValue } from '@vangnet/contracts/samples';
import { decodeEvent } from '@vangnet/messaging/consumer';
import { describe, expect, it, vi } from 'vitest';
import type { Transaction } from '../db.ts';
import { assignmentHandlers } from './consumers.ts';

/**
 * Every stored sample of every event the referrals service consumes, in
 * every version ever published, goes through the service's own handlers as
 * the consumer would read it from Kafka. A new version that no handler or
 * upcaster reads fails here instead of being silently ignored in production.
 */
const consumedNames = new Set(assignmentHandlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
const samples = readSamples().filter((sample) => {
  const definition = eventDefinitionOf(sample.type);
  return definition && consumedNames.has(`${definition.domain}.${definition.name}`);
});

describe('referrals reads every published version of the events it consumes', () => {
  it('has samples to read', () => {
    expect(samples.map((sample) => sample.type)).toEqual(
      expect.arrayContaining(['nl.vangnet.networks.RoutingDecided.v1', 'nl.vangnet.networks.RoutingDecided.v2']),
    );
  });

  it.each(samples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives, then its handler gets it in the current version',
    async (_, sample) => {
      const decoded = decodeEvent(assignmentHandlers, sample.headers, sampleValue(sample));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      const current = decoded.handler.definition;
      expect(isCurrentVersion(current), `${current.type} is not the current version`).toBe(true);
      expect(current.schema.safeParse(decoded.data).success).toBe(true);

      const upsert = vi.fn(async () => ({}));
      await decoded.handler.handle(decoded.data, {
        tx: { referral: { upsert } } as unknown as Transaction,
        event: decoded.attributes,
        trace: {},
      });
      expect(upsert).toHaveBeenCalledOnce();
    },
  );

  it('when a v1 routing decision arrives, then it reads as the first routing with no team excluded', () => {
    const sample = samples.find((candidate) => candidate.type === 'nl.vangnet.networks.RoutingDecided.v1');
    if (!sample) throw new Error('the RoutingDecided v1 sample is missing');
    const decoded = decodeEvent(assignmentHandlers, sample.headers, sampleValue(sample));
    if (decoded === 'ignored') throw new Error('RoutingDecided v1 was ignored');
    expect(decoded.handler.definition).toBe(RoutingDecidedV2);
    expect(decoded.data).toMatchObject({ ...(sample.data as object), attempt: 1, excludedTeamIds: [] });
  });
});

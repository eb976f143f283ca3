import { eventDefinitionOf, isCurrentVersion } from '@vangnet/contracts/registry';
import { readSamples, sampleValue } from '@vangnet/contracts/samples';
import { decodeEvent } from '@vangnet/messaging/consumer';
import { describe, expect, it, vi } from 'vitest';
import type { Transaction } from '../../db.ts';
import { webhookHandlers as handlersFor } from './consumer.ts';

const webhookHandlers = handlersFor({ eventSource: 'urn:nld:oin:00000000000000000000:systeem:vangnet-referrals' });

/**
 * Every stored sample, in every version ever published, of the events the
 * webhook group consumes goes through its handlers: a version no handler or
 * upcaster reads fails here instead of silently reaching no team.
 */
const consumed = new Set(webhookHandlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
const samples = readSamples().filter((sample) => {
  const definition = eventDefinitionOf(sample.type);
  return definition && consumed.has(`${definition.domain}.${definition.name}`);
});

describe('the webhook group reads every published version of the events it delivers', () => {
  it('has a sample of every event it delivers', () => {
    const sampled = new Set(samples.map((sample) => eventDefinitionOf(sample.type)?.name));
    expect([...consumed].map((name) => name.split('.')[1]).filter((name) => !sampled.has(name))).toEqual([]);
  });

  it.each(samples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives, then each concerned subscription gets it in the current version, data unchanged',
    async (_, sample) => {
      const decoded = decodeEvent(webhookHandlers, sample.headers, sampleValue(sample));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      const current = decoded.handler.definition;
      expect(isCurrentVersion(current)).toBe(true);

      const createMany = vi.fn(async () => ({ count: 1 }));
      const tx = {
        webhookSubscription: { findMany: vi.fn(async () => [{ id: 'subscription', eventTypes: [] }]) },
        webhookDelivery: { createMany },
        $executeRaw: vi.fn(async () => 0),
        // A request retention has deleted: no practice to tell (gp-practice.ts has its own tests).
        referralRequest: { findUnique: vi.fn(async () => null) },
      } as unknown as Transaction;
      await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });

      // A RoutingFailed concerns no team; the coordinator has no webhook.
      const concernsSomeone = current.name !== 'RoutingFailed';
      expect(createMany).toHaveBeenCalledTimes(concernsSomeone ? 1 : 0);
      if (concernsSomeone) {
        expect(createMany).toHaveBeenCalledWith({
          data: [
            expect.objectContaining({ eventType: current.type, data: decoded.data, eventId: decoded.attributes.id }),
          ],
          skipDuplicates: true,
        });
      }
    },
  );
});

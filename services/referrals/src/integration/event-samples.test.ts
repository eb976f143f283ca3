import { RoutingDecidedV2 } from '@vangnet/contracts/networks';
import { eventDefinitionOf, isCurrentVersion } from '@vangnet/contracts/registry';
import { readSamples, sampleValue } from '@vangnet/contracts/samples';
import { decodeEvent } from '@vangnet/messaging/consumer';
import { describe, expect, it } from 'vitest';
import type { Transaction } from '../db.ts';
import { assignmentHandlers, readModelHandlers } from './consumers.ts';

const handlers = [
  ...assignmentHandlers({ gpStatusSource: 'urn:nld:oin:00000000000000000000:systeem:vangnet-referrals' }),
  ...readModelHandlers,
];

/**
 * Every stored sample of every event the referrals service consumes, in
 * every version ever published, goes through the service's own handlers as
 * the consumer would read it from Kafka. A new version that no handler or
 * upcaster reads fails here instead of being silently ignored in production.
 */
const consumedNames = new Set(handlers.map(({ definition }) => `${definition.domain}.${definition.name}`));
const samples = readSamples().filter((sample) => {
  const definition = eventDefinitionOf(sample.type);
  return definition && consumedNames.has(`${definition.domain}.${definition.name}`);
});

describe('referrals reads every published version of the events it consumes', () => {
  it('has samples to read', () => {
    expect(samples.map((sample) => sample.type)).toEqual(
      expect.arrayContaining([
        'nl.vangnet.networks.RoutingDecided.v1',
        'nl.vangnet.networks.RoutingDecided.v2',
        'nl.vangnet.networks.RoutingFailed.v1',
        'nl.vangnet.networks.TeamChanged.v1',
        'nl.vangnet.signals.CaseOpened.v1',
        'nl.vangnet.signals.CaseSignalAdded.v1',
      ]),
    );
  });

  it.each(samples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives, then its handler gets it in the current version',
    async (_, sample) => {
      const decoded = decodeEvent(handlers, sample.headers, sampleValue(sample));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      const current = decoded.handler.definition;
      expect(isCurrentVersion(current), `${current.type} is not the current version`).toBe(true);
      expect(current.schema.safeParse(decoded.data).success).toBe(true);

      const { tx, calls } = recordingTransaction();
      await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });
      // Every consumed event changes something (GP status, a referral, a read model), or the sample proves
      // nothing; a failed routing matters here only for a GP request (the practice sees the coordinator has it).
      const onlyForGpRequests =
        current.name === 'RoutingFailed' &&
        (decoded.data as { item: { kind: string } }).item.kind !== 'referral_request';
      expect(calls.some((call) => /create|upsert|update|:write/i.test(call))).toBe(!onlyForGpRequests);
    },
  );

  it('when a v1 routing decision arrives, then it reads as the first routing with no team excluded', () => {
    const sample = samples.find((candidate) => candidate.type === 'nl.vangnet.networks.RoutingDecided.v1');
    if (!sample) throw new Error('the RoutingDecided v1 sample is missing');
    const decoded = decodeEvent(handlers, sample.headers, sampleValue(sample));
    if (decoded === 'ignored') throw new Error('RoutingDecided v1 was ignored');
    expect(decoded.handler.definition).toBe(RoutingDecidedV2);
    expect(decoded.data).toMatchObject({ ...(sample.data as object), attempt: 1, excludedTeamIds: [] });
  });
});

/**
 * A transaction that answers every model call and raw query with "nothing
 * there yet" and records what was called, so a handler runs to its end
 * without a database.
 */
function recordingTransaction(): { tx: Transaction; calls: string[] } {
  const calls: string[] = [];
  const answer = (name: string) => {
    if (name === '$executeRaw') return 1;
    if (name === '$queryRaw' || name === 'findMany') return [];
    if (name.startsWith('find')) return null;
    return { count: 1 };
  };
  const call = (name: string, method: string) => async (sql?: unknown) => {
    // A raw statement counts as a write by what it says (the assignment's insert is a $queryRaw RETURNING).
    const writes = Array.isArray(sql) && /\b(INSERT|UPDATE|DELETE)\b/.test(sql.join(''));
    calls.push(writes ? `${name}:write` : name);
    return answer(method);
  };
  const model = (modelName: string) =>
    new Proxy({}, { get: (_, method: string) => call(`${modelName}.${method}`, method) });
  const tx = new Proxy({}, { get: (_, name: string) => (name.startsWith('$') ? call(name, name) : model(name)) });
  return { tx: tx as Transaction, calls };
}

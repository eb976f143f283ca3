import { randomUUID } from 'node:crypto';
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

const teamA = '0b6c1f52-3f0e-4a51-9a55-000000000001';
const teamB = '0b6c1f52-3f0e-4a51-9a55-000000000002';
const teamC = '0b6c1f52-3f0e-4a51-9a55-0000000000c3';
const teamRow = (id: string) => ({
  id,
  name: `Buurtteam ${id.slice(-2)}`,
  municipalityCode: 'GM9901',
  active: true,
  capacity: 10,
  openAssignments: 1,
});

/**
 * Just enough of a transaction for the router: every address in one
 * neighbourhood, three catch-all rules for three teams, and the item of a
 * referral event held by that event's team (as networks would have routed it).
 */
function fakeTransaction(data: { item?: { kind: string; id: string }; teamId?: string }) {
  const outbox: { headers: Record<string, string>; payload: Record<string, unknown> & { teamId?: string } }[] = [];
  const queued: Record<string, unknown>[] = [];
  const freed: string[] = [];
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
    municipality: { findUnique: vi.fn(async () => ({ rulesVersion: randomUUID() })) },
    routingRule: {
      findMany: vi.fn(async () =>
        [teamA, teamB, teamC].map((teamId, n) => ({
          id: `all-${n}`,
          enabled: true,
          match: {},
          teamId,
          informTeamIds: [],
          deadlineWorkingDays: 5,
        })),
      ),
    },
    team: {
      findMany: vi.fn(async ({ where }: { where: { id: { in: string[] } } }) => where.id.in.map(teamRow)),
      findUnique: vi.fn(async ({ where }: { where: { id: string } }) => teamRow(where.id)),
      update: vi.fn(async () => ({})),
      updateMany: vi.fn(async ({ where }: { where: { id: string } }) => {
        freed.push(where.id);
        return { count: 1 };
      }),
    },
    routingDecision: { createMany: vi.fn(async () => ({ count: 1 })) },
    routedItem: {
      findUnique: vi.fn(async () =>
        data.item
          ? {
              itemKind: data.item.kind,
              itemId: data.item.id,
              facts: { item: data.item, kind: 'rent', urgency: 'regular' },
              postcode: '9901AB',
              houseNumber: 12,
              municipalityCode: 'GM9901',
              neighbourhoodCode: 'BU99010101',
              attempt: 1,
              teamId: data.teamId ?? null,
              excludedTeamIds: [],
              ruleId: 'all-0',
              deadlineWorkingDays: 5,
              escalatesOn: new Date('2026-12-21T00:00:00Z'),
            }
          : null,
      ),
      upsert: vi.fn(async () => ({})),
      update: vi.fn(async () => ({})),
      createMany: vi.fn(async () => ({ count: 1 })),
    },
    coordinatorQueueItem: {
      create: vi.fn(async ({ data: row }: { data: Record<string, unknown> }) => {
        queued.push(row);
        return row;
      }),
      createMany: vi.fn(async ({ data: rows }: { data: Record<string, unknown>[] }) => {
        queued.push(...rows);
        return { count: rows.length };
      }),
    },
    // No configured holidays: the Dutch list.
    publicHolidayYear: { findMany: vi.fn(async () => []) },
    // The router's raw statements (load.ts): the address with its versions, the claim of a place, the teams it reads or locks.
    $queryRaw: vi.fn(async (sql: TemplateStringsArray, ...values: unknown[]) => {
      const text = sql.join('?');
      if (text.includes('postcode_range')) {
        return [
          {
            i: 1,
            postcode: (values[0] as string[])[0],
            house_number_from: 1,
            house_number_to: 99999,
            neighbourhood_code: 'BU99010101',
            district_code: 'WK990101',
            municipality_code: 'GM9901',
            active: true,
            rules_version: randomUUID(),
            holidays_version: '0:',
          },
        ];
      }
      // claimPlaceAndRead: the guessed team's claim (every team has room here) and the candidates' teams.
      if (text.includes('WITH claim AS')) {
        const [claimed, ids] = values as [string | null, string[]];
        return ids.map((id) => {
          const { openAssignments, ...team } = teamRow(id);
          return { ...team, open_assignments: openAssignments, claimed: id === claimed };
        });
      }
      if (text.includes('UPDATE team')) return [{ id: values[0] }];
      if (text.includes('open_assignments')) {
        return (values[0] as string[]).map((id) => {
          const { openAssignments, ...team } = teamRow(id);
          return { ...team, open_assignments: openAssignments };
        });
      }
      return [];
    }),
    // INSERT INTO outbox (event_id, topic, message_key, headers, payload): a column array each.
    $executeRaw: vi.fn(async (sql: TemplateStringsArray, ...values: unknown[]) => {
      if (!sql.join('?').includes('INSERT INTO outbox')) return 0;
      const [headers, payloads] = [values[3] as string[], values[4] as string[]];
      headers.forEach((header, n) => {
        outbox.push({ headers: JSON.parse(header), payload: JSON.parse(String(payloads[n])) });
      });
      return headers.length;
    }),
  };
  return { tx: tx as unknown as Transaction, outbox, queued, freed };
}

describe('networks reads every published version of the events it consumes', () => {
  it('has samples to read', () => {
    expect(samples.map((sample) => sample.type)).toEqual(
      expect.arrayContaining([
        'nl.vangnet.signals.SignalReceived.v1',
        'nl.vangnet.referrals.ReferralDeclined.v1',
        'nl.vangnet.referrals.ReferralExpired.v1',
        'nl.vangnet.referrals.ReferralTransferred.v1',
        'nl.vangnet.referrals.ReferralEscalated.v1',
        'nl.vangnet.referrals.ReferralClosed.v1',
      ]),
    );
  });

  it.each(samples.map((sample) => [sample.type, sample] as const))(
    'when %s arrives, then the router acts on it as its kind requires',
    async (_, sample) => {
      const decoded = decodeEvent(handlers, sample.headers, sampleValue(sample));
      if (decoded === 'ignored') throw new Error(`no handler or upcaster reads ${sample.type}`);
      const current = decoded.handler.definition;
      expect(isCurrentVersion(current), `${current.type} is not the current version`).toBe(true);
      expect(current.schema.safeParse(decoded.data).success).toBe(true);

      const data = decoded.data as {
        item?: { kind: string; id: string };
        teamId?: string;
        newReferralId?: string;
        toTeamId?: string;
      };
      const { tx, outbox, queued, freed } = fakeTransaction(data);
      await decoded.handler.handle(decoded.data, { tx, event: decoded.attributes, trace: {} });
      const published = outbox.map((row) => ({ ...row.payload, type: row.headers.ce_type }));
      const routed = expect.objectContaining({ type: RoutingDecidedV2.type });
      switch (current.name) {
        case 'ReferralDeclined':
        case 'ReferralExpired':
          // Routed again past the team that had it; its slot is free.
          expect(published).toEqual([routed]);
          expect(published[0]).toMatchObject({ attempt: 2, excludedTeamIds: [data.teamId] });
          expect(published[0]?.teamId).not.toBe(data.teamId);
          expect(published[0]).toMatchObject({ escalatesOn: '2026-12-21' });
          expect(freed).toEqual([data.teamId]);
          break;
        case 'ReferralTransferred':
          expect(published).toEqual([routed]);
          expect(published[0]).toMatchObject({
            teamId: data.toTeamId,
            referralId: data.newReferralId,
            attempt: 2,
            excludedTeamIds: [data.teamId],
          });
          expect(freed).toEqual([data.teamId]);
          break;
        case 'ReferralEscalated':
          expect(published).toEqual([]);
          expect(queued).toEqual([expect.objectContaining({ reason: 'escalated', municipalityCode: 'GM9901' })]);
          expect(freed).toEqual([]);
          break;
        case 'ReferralClosed':
          expect(published).toEqual([]);
          expect(freed).toEqual([data.teamId]);
          break;
        default:
          expect(published).toEqual([routed]);
          expect(published[0]).toMatchObject({ attempt: 1, excludedTeamIds: [], escalatesOn: expect.any(String) });
      }
    },
  );
});

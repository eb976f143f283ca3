import { randomUUID } from 'node:crypto';
import type { SignalRequest } from '@vangnet/contracts/http/signals';
import { topics } from '@vangnet/contracts/topics';
import { describe, expect, it } from 'vitest';
import { decideReceiveSignal } from '../features/receive-signal/decide.ts';
import { caseEventMessage, crisisReopening, type IntakeChannel } from './signal-events.ts';

const now = new Date('2026-11-23T10:00:00Z');
const context = { source: 'urn:nld:oin:00000000000000000000:systeem:vangnet-signals' };

const energy = (crisis: boolean): SignalRequest => ({
  type: 'energy',
  reference: `E-${randomUUID()}`,
  address: { postcode: '9901AB', houseNumber: 12 },
  arrears: { amount: 240, since: '2026-10-01' },
  ...(crisis ? { crisis: { kind: 'disconnection' as const } } : {}),
});

function laneOf(channel: IntakeChannel, crisis: boolean, openCaseId: string | null = null) {
  const { signal, caseChange } = decideReceiveSignal({
    partner: { id: 'energie-noord', kind: 'energy' },
    request: energy(crisis),
    signalId: randomUUID(),
    newCaseId: randomUUID(),
    household: { previousFromPartner: null, openCaseId },
    settings: { thresholdCents: 7500 },
    now,
  });
  if (!caseChange) throw new Error('the signal joined no case');
  return caseEventMessage(caseChange, signal, context, channel).topic;
}

describe('the lane of a case event', () => {
  it('when a file row or a batch item opens or joins a case, then its event goes on the bulk lane', () => {
    expect(laneOf('file', false)).toBe(topics.signalsBulk);
    expect(laneOf('batch', false)).toBe(topics.signalsBulk);
    expect(laneOf('file', false, randomUUID())).toBe(topics.signalsBulk);
  });

  it('when a single signal comes in, then its event goes on the main topic', () => {
    expect(laneOf('single', false)).toBe(topics.signalsEvents);
  });

  it('when a crisis comes in, then its event goes on the main topic however it arrived', () => {
    expect(laneOf('file', true)).toBe(topics.signalsEvents);
    expect(laneOf('batch', true, randomUUID())).toBe(topics.signalsEvents);
    expect(laneOf('single', true)).toBe(topics.signalsEvents);
  });
});

describe('the repeated opening of a case a crisis joins', () => {
  it('goes on the main topic as the case’s own opening, from its first signal, with the urgency raised to crisis', () => {
    const first = {
      id: randomUUID(),
      partnerId: 'energie-noord',
      type: 'energy' as const,
      crisis: false,
      postcode: '9901AB',
      houseNumber: 12,
      arrearsCents: 24_000,
      subjectDateOfBirth: '2010-05-01',
      receivedAt: new Date('2026-11-02T09:00:00Z'),
    };
    const caseId = randomUUID();
    const message = crisisReopening(caseId, first, context);
    expect(message.topic).toBe(topics.signalsEvents);
    expect(message.messageKey).toBe(caseId);
    expect(message.payload).toEqual({
      caseId,
      firstSignalId: first.id,
      partnerId: 'energie-noord',
      signalKind: 'energy',
      urgency: 'crisis',
      postcode: '9901AB',
      houseNumber: 12,
      amountBand: 'under_500',
      ageBand: '12_to_17',
      openedAt: '2026-11-02T09:00:00.000Z',
    });
  });
});

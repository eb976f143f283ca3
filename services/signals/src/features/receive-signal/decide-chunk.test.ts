import type { SignalRequest } from '@vangnet/contracts/http/signals';
import { describe, expect, it } from 'vitest';
import type { Partner } from './decide.ts';
import { type ChunkState, decideChunk } from './decide-chunk.ts';
import { householdKey, personKey } from './rules.ts';

const now = new Date('2026-11-23T10:00:00Z');
const landlord: Partner = { id: 'woonstichting-de-haven', kind: 'landlord' };
const settings = { thresholdCents: 7500 };
const empty: ChunkState = { known: [], previous: [], openCases: [] };
const anna = { givenName: 'Anna', familyName: 'de Vries', dateOfBirth: '1980-04-02' };

const rent = (reference: string, overrides: Partial<SignalRequest> = {}): SignalRequest => ({
  type: 'rent',
  reference,
  address: { postcode: '9901AB', houseNumber: 12 },
  arrears: { amount: 612.5, since: '2026-09-01' },
  preconditions: {
    contactAttempted: true,
    tenantReached: false,
    pointedToDebtHelp: true,
    reminderSentOn: '2026-10-01',
    consentOfferMade: true,
    tenantObjected: false,
  },
  ...overrides,
});

const decide = (requests: SignalRequest[], state = empty) => {
  let id = 0;
  return decideChunk({ partner: landlord, requests, state, settings, now, newId: () => `id-${++id}` });
};

describe('decideChunk', () => {
  it('when two items are for one new household, then the first opens the case and the second joins it', () => {
    const [first, second] = decide([rent('A'), rent('B', { arrears: { amount: 900, since: '2026-09-01' } })]);
    expect(first).toMatchObject({ kind: 'accepted', caseChange: { kind: 'opened', caseId: 'id-2' } });
    expect(second).toMatchObject({ kind: 'accepted', caseChange: { kind: 'added', caseId: 'id-2' } });
  });

  it('when the same creditor sends a second item for the household without higher arrears, then it is a repeat', () => {
    const [, second] = decide([rent('A'), rent('B')]);
    expect(second).toMatchObject({ kind: 'accepted', caseChange: null, signal: { closingResult: 'repeat' } });
  });

  it('when a reference was used before, then it is a duplicate of the stored signal and not decided', () => {
    const [outcome] = decide([rent('A')], { ...empty, known: ['A'] });
    expect(outcome).toEqual({ kind: 'duplicate', reference: 'A', signal: null });
  });

  it('when a reference appears twice in the chunk, then the second answers with the first signal', () => {
    const [first, second] = decide([rent('A'), rent('A', { address: { postcode: '1000AA', houseNumber: 1 } })]);
    expect(first?.kind).toBe('accepted');
    expect(second).toEqual({ kind: 'duplicate', reference: 'A', signal: first?.kind === 'accepted' && first.signal });
  });

  it('when the first use of a reference is refused, then a later item with that reference is decided on its own', () => {
    const [first, second] = decide([rent('A', { arrears: { amount: 612.5, since: '2026-11-20' } }), rent('A')]);
    expect(first).toMatchObject({ kind: 'rejected', error: { code: 'SIGNAL_OUTSIDE_CONVENANT_WINDOW' } });
    expect(second?.kind).toBe('accepted');
  });

  it("when the household has an open case, then the item joins it before the person's case elsewhere", () => {
    const person = personKey(anna) as string;
    const state: ChunkState = {
      ...empty,
      openCases: [
        { id: 'elsewhere', householdKey: '1000AA|1|', people: [person] },
        { id: 'here', householdKey: householdKey({ postcode: '9901AB', houseNumber: 12 }), people: [] },
      ],
    };
    const [outcome] = decide([rent('A', { subject: anna })], state);
    expect(outcome).toMatchObject({ caseChange: { kind: 'added', caseId: 'here' } });
  });

  it('when the person has an open case at another address, then the item joins it; a later item of theirs follows', () => {
    const person = personKey(anna) as string;
    const state: ChunkState = {
      ...empty,
      openCases: [{ id: 'elsewhere', householdKey: '1000AA|1|', people: [person] }],
    };
    const moved = { postcode: '2000BB', houseNumber: 3 };
    const [first, second] = decide([rent('A', { subject: anna }), rent('B', { subject: anna, address: moved })], state);
    expect(first).toMatchObject({ caseChange: { kind: 'added', caseId: 'elsewhere' } });
    expect(second).toMatchObject({ caseChange: { kind: 'added', caseId: 'elsewhere' } });
  });

  it('when the stored latest signal had the same arrears, then the item is a repeat; higher arrears join the case', () => {
    const key = householdKey({ postcode: '9901AB', houseNumber: 12 });
    const state: ChunkState = {
      known: [],
      previous: [{ type: 'rent', householdKey: key, arrearsCents: 61250 }],
      openCases: [{ id: 'case-1', householdKey: key, people: [] }],
    };
    const [same, higher] = decide([rent('A'), rent('B', { arrears: { amount: 700, since: '2026-09-01' } })], state);
    expect(same).toMatchObject({ caseChange: null, signal: { closingResult: 'repeat', feedbackStatus: 'repeat' } });
    expect(higher).toMatchObject({ caseChange: { kind: 'added', caseId: 'case-1' } });
  });
});

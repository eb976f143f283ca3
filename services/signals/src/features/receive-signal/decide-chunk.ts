import type { SignalRequest } from '@vangnet/contracts/http/signals';
import { DomainError } from '@vangnet/platform/problem';
import {
  type AcceptedSignal,
  type CaseChange,
  decideReceiveSignal,
  type IntakeSettings,
  type Partner,
} from './decide.ts';
import { householdKey, personKey } from './rules.ts';

/** What the engine's read step found for a chunk, read under the chunk's household and person locks. */
export interface ChunkState {
  /** References the partner already used. */
  known: readonly string[];
  /** The partner's latest signal per type and household within the matching period. */
  previous: readonly { type: string; householdKey: string; arrearsCents: number | null }[];
  /** Open cases within the matching period, latest signal first, with the chunk's people already in them. */
  openCases: readonly { id: string; householdKey: string; people: readonly string[] }[];
}

export type ItemOutcome =
  | { kind: 'accepted'; signal: AcceptedSignal; caseChange: CaseChange }
  /** The reference was used before: `signal` when by an earlier item of this chunk, else null (it is stored). */
  | { kind: 'duplicate'; reference: string; signal: AcceptedSignal | null }
  | { kind: 'rejected'; error: DomainError };

/**
 * Decides a whole chunk (one signal, a batch, or a file chunk) against the
 * state read for it. Pure. Items are decided in order, each decision
 * updating the state the next one sees, so the chunk ends exactly as the same
 * signals sent one after the other would: two items for one household share
 * one case, a second item of the same creditor is a repeat unless its arrears
 * rose, a reference used twice is taken in once.
 */
export function decideChunk(command: {
  partner: Partner;
  requests: readonly SignalRequest[];
  state: ChunkState;
  settings: IntakeSettings;
  now: Date;
  newId: () => string;
}): ItemOutcome[] {
  const { partner, state, settings, now, newId } = command;
  const taken = new Map<string, AcceptedSignal | null>(state.known.map((reference) => [reference, null]));
  const previous = new Map(state.previous.map((row) => [`${row.type}|${row.householdKey}`, row]));
  const caseByKey = new Map<string, string>();
  const caseByPerson = new Map<string, string>();
  for (const openCase of state.openCases) {
    if (!caseByKey.has(openCase.householdKey)) caseByKey.set(openCase.householdKey, openCase.id);
    for (const person of openCase.people) if (!caseByPerson.has(person)) caseByPerson.set(person, openCase.id);
  }

  return command.requests.map((request): ItemOutcome => {
    if (taken.has(request.reference)) {
      return { kind: 'duplicate', reference: request.reference, signal: taken.get(request.reference) ?? null };
    }
    const key = householdKey(request.address);
    const person = personKey(request.subject);
    let decided: ReturnType<typeof decideReceiveSignal>;
    try {
      decided = decideReceiveSignal({
        partner,
        request,
        signalId: newId(),
        newCaseId: newId(),
        household: {
          previousFromPartner: previous.get(`${request.type}|${key}`) ?? null,
          // The household's case first; else the same person's case at another address (a move, or two homes).
          openCaseId: caseByKey.get(key) ?? (person ? caseByPerson.get(person) : undefined) ?? null,
        },
        settings,
        now,
      });
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'rejected', error };
      throw error;
    }
    const { signal, caseChange } = decided;
    taken.set(request.reference, signal);
    previous.set(`${request.type}|${key}`, {
      type: request.type,
      householdKey: key,
      arrearsCents: signal.arrearsCents,
    });
    // As a later item would find it: the case just touched is the person's latest.
    if (caseChange && person) caseByPerson.set(person, caseChange.caseId);
    if (caseChange?.kind === 'opened') caseByKey.set(key, caseChange.caseId);
    return { kind: 'accepted', signal, caseChange };
  });
}

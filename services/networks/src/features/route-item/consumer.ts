import type { EventData } from '@vangnet/contracts/events';
import { ReferralRequestedV1 } from '@vangnet/contracts/referrals';
import { CaseOpenedV1, SignalReceivedV1 } from '@vangnet/contracts/signals';
import { type BatchItem, type HandlerContext, on } from '@vangnet/messaging/consumer';
import type { Lane } from '@vangnet/messaging/lanes';
import type { TraceHeaders } from '@vangnet/messaging/tracing';
import type { Transaction } from '../../db.ts';
import { senderMunicipality } from '../coordinator-queue/sender.ts';
import { type RecordedOutcome, recordRoutingOutcome, recordRoutingOutcomes } from '../routing-outcome/record.ts';
import {
  decideRouting,
  FIRST_ROUTING,
  type ItemNeighbourhood,
  type RoutingFacts,
  type RoutingOutcome,
  type RoutingRound,
  type TeamState,
} from './decide.ts';
import {
  candidateRules,
  claimPlace,
  claimPlaceAndRead,
  holidaysAt,
  loadRules,
  loadTeams,
  lockAndLoadTeams,
  releasePlace,
  routingContext,
  routingContexts,
  teamIdsOf,
  teamsAsLastSeen,
  teamsById,
} from './load.ts';

export interface RoutingAddress {
  postcode: string;
  houseNumber: number;
  /** From the event, when the sender knew it; the postcode map's answer wins. */
  municipalityCode?: string | undefined;
  /** The sending partner, whose registration names the coordinator of an address the map does not know. */
  partnerId?: string | undefined;
}

/**
 * The router's decision path: address to neighbourhood (PC6, then PC4) with
 * the versions of what is cached, the municipality's rules (from memory),
 * the teams of the rules that hold and the pure decision. A decided outcome
 * binds once `claim` took the team's place. The teams are first taken as
 * this instance last saw them (teamsAsLastSeen), and the claim of the team
 * that guess chose reads them again in the same statement: the decision is
 * made again on that read, and a guess it overturns gives its place back.
 * So a decision costs two round trips (context, claim) while the guess holds,
 * and is always the decision on the teams as the claim read them. A
 * re-routing, which frees another team's place in the same transaction,
 * locks every team concerned in id order up front instead. `pnpm
 * bench:routing` measures exactly this, the claim included.
 */
export async function decideForItem(
  tx: Transaction,
  facts: RoutingFacts,
  address: RoutingAddress,
  round: RoutingRound,
  now: Date,
  lockTeamIds: string[] = [],
): Promise<{
  neighbourhood: ItemNeighbourhood | undefined;
  claim: () => Promise<RoutingOutcome>;
}> {
  const context = await routingContext(tx, address.postcode, address.houseNumber);
  const neighbourhood = context.neighbourhood;
  const rules = neighbourhood ? await loadRules(tx, neighbourhood.municipalityCode, context.rulesVersion) : [];
  const candidates = candidateRules(rules, facts, neighbourhood);
  const teamIds = teamIdsOf(candidates);
  const locked = lockTeamIds.length > 0;
  const guess = locked ? undefined : teamsAsLastSeen(teamIds);
  const teams = locked
    ? await lockAndLoadTeams(tx, candidates, lockTeamIds)
    : (guess ?? (await teamsById(tx, teamIds)));
  const holidays = await holidaysAt(tx, now, context.holidaysVersion);
  const decide = (state: TeamState[]) =>
    decideRouting({ facts, neighbourhood, rules: candidates, teams: state, round, now, holidays });
  return {
    neighbourhood,
    claim: async () => {
      let current = decide(teams);
      if (locked) {
        if (current.outcome === 'decided') await incrementOpenAssignments(tx, current.teamId);
        return current;
      }
      let state = teams;
      if (guess && teamIds.length > 0) {
        const guessed = current.outcome === 'decided' ? current.teamId : null;
        const read = await claimPlaceAndRead(tx, guessed, teamIds);
        state = read.teams;
        current = decide(state);
        if (read.claimed && guessed !== null) {
          if (current.outcome === 'decided' && current.teamId === guessed) return current;
          // The teams moved since they were last seen, and the decision on
          // them as they are now is another one: the place is not this item's.
          // The guessed team's row stays locked to the commit while the loop
          // below claims another: the one case of a transaction waiting for a
          // team while it holds one. Two such overturned guesses crossing can
          // deadlock; PostgreSQL breaks that within deadlock_timeout and the
          // consumer retries the event as transient (40P01).
          await releasePlace(tx, guessed);
        }
      }
      for (let attempt = 1; current.outcome === 'decided'; attempt += 1) {
        if (await claimPlace(tx, current.teamId)) return current;
        // The team filled up (or went inactive) since it was read: decide
        // again with it as it is now. A failed claim holds no lock, so after
        // a few, when the teams are that busy, lock them all in id order.
        if (attempt === 3) {
          const fixed = decide(await lockAndLoadTeams(tx, candidates));
          if (fixed.outcome === 'decided') await incrementOpenAssignments(tx, fixed.teamId);
          return fixed;
        }
        const [fresh] = await teamsById(tx, [current.teamId]);
        const filled = current.teamId;
        state = state.filter((team) => team.id !== filled).concat(fresh ? [fresh] : []);
        current = decide(state);
      }
      return current;
    },
  };
}

const incrementOpenAssignments = (tx: Transaction, teamId: string) =>
  tx.team.update({ where: { id: teamId }, data: { openAssignments: { increment: 1 } } });

/** What a re-routing carries over from the item's earlier routings. */
export interface EarlierRouting {
  /** ISO date of the first decided routing's escalation; kept on every re-routing. */
  escalatesOn: string | null;
  /** Teams whose slot the caller frees in the same transaction: locked with the candidates, in one order. */
  lockTeamIds?: string[];
}

/**
 * Routes one item to a team (or to the coordinator): decides, claims the
 * team's place, and has recordRoutingOutcome write the decision, the routed
 * item, a failure's queue entry and the event, all in the consumer's one
 * transaction.
 */
export async function routeItem(
  facts: RoutingFacts,
  address: RoutingAddress,
  { tx, trace }: HandlerContext<Transaction>,
  eventSource: string,
  round: RoutingRound = FIRST_ROUTING,
  earlier: EarlierRouting = { escalatesOn: null },
  lane: Lane = 'main',
): Promise<void> {
  const now = new Date();
  if (round === FIRST_ROUTING) {
    const routed = await tx.routedItem.findUnique({
      where: { itemKind_itemId: { itemKind: facts.item.kind, itemId: facts.item.id } },
      select: { attempt: true },
    });
    // The opening event again under another event id (a re-publication the
    // inbox cannot recognise): routing it twice would count the team twice
    // and forget which teams already had the item.
    if (routed) return;
  }
  const decision = await decideForItem(tx, facts, address, round, now, earlier.lockTeamIds);
  const outcome = await decision.claim();
  const municipalityCode =
    outcome.municipalityCode ?? address.municipalityCode ?? (await senderMunicipality(tx, address.partnerId)) ?? null;
  await recordRoutingOutcome(
    tx,
    toRecorded(outcome, { facts, address, neighbourhood: decision.neighbourhood, municipalityCode, round, earlier }),
    { now, context: { source: eventSource, ...trace }, lane },
  );
}

/** A router's outcome as recordRoutingOutcome writes it; the team's place is claimed already. */
function toRecorded(
  outcome: RoutingOutcome,
  on: {
    facts: RoutingFacts;
    address: RoutingAddress;
    neighbourhood: ItemNeighbourhood | undefined;
    municipalityCode: string | null;
    round: RoutingRound;
    earlier: EarlierRouting;
  },
): RecordedOutcome {
  const { round, municipalityCode } = on;
  const neighbourhoodCode = on.neighbourhood?.code ?? null;
  const routedOn = { facts: on.facts, postcode: on.address.postcode, houseNumber: on.address.houseNumber };
  return outcome.outcome === 'decided'
    ? {
        outcome: 'decided',
        item: outcome.item,
        round,
        neighbourhoodCode,
        municipalityCode,
        routedOn,
        decision: outcome,
        escalatesOn: on.earlier.escalatesOn ?? outcome.escalation,
        place: 'claimed',
        remembersRule: true,
      }
    : {
        outcome: 'failed',
        item: outcome.item,
        round,
        neighbourhoodCode,
        municipalityCode,
        routedOn,
        reason: outcome.reason,
        explanation: outcome.explanation,
        published: outcome.reason,
        queue: { reason: outcome.reason },
      };
}

/** One item of a batch of first routings. */
export interface FirstRouting {
  facts: RoutingFacts;
  address: RoutingAddress;
  trace: TraceHeaders;
}

/**
 * First routings of many items in one transaction, with the effect of
 * routeItem on each in turn, in a fixed number of statements instead of
 * about seven per item: which items are routed already, every address's
 * neighbourhood, the teams of all candidate rules (as committed, unlocked),
 * the decisions in memory (each seeing the places the earlier items of the
 * run took), recordRoutingOutcomes, and last one conditional update of the
 * teams' open counts. This is what a file's backlog goes through (the
 * consumer hands a partition's consecutive CaseOpened events to
 * handleMany).
 */
export async function routeItems(
  tx: Transaction,
  items: readonly FirstRouting[],
  eventSource: string,
  lane: Lane = 'main',
): Promise<void> {
  const now = new Date();
  // Lower case, as PostgreSQL writes a uuid as text.
  const keyOf = ({ facts }: FirstRouting) => `${facts.item.kind}:${facts.item.id.toLowerCase()}`;
  const routed = await tx.$queryRaw<{ key: string }[]>`
    SELECT item_kind || ':' || item_id AS key FROM routed_item
     WHERE (item_kind, item_id) IN (
       SELECT * FROM unnest(${items.map(({ facts }) => facts.item.kind)}::text[],
                            ${items.map(({ facts }) => facts.item.id)}::uuid[]))`;
  // As in routeItem: an item routed before, or twice in this batch, is routed once.
  const seen = new Set(routed.map(({ key }) => key));
  const todo: FirstRouting[] = [];
  for (const item of items) {
    if (seen.has(keyOf(item))) continue;
    seen.add(keyOf(item));
    todo.push(item);
  }
  if (todo.length === 0) return;
  const contexts = await routingContexts(
    tx,
    todo.map(({ address }) => address),
  );
  const candidates = [];
  for (const [index, { facts }] of todo.entries()) {
    const { neighbourhood, rulesVersion } = contexts[index] as (typeof contexts)[number];
    const rules = neighbourhood ? await loadRules(tx, neighbourhood.municipalityCode, rulesVersion) : [];
    candidates.push(candidateRules(rules, facts, neighbourhood));
  }
  const teams = new Map((await loadTeams(tx, candidates.flat())).map((team) => [team.id, team]));
  const holidays = await holidaysAt(tx, now, contexts[0]?.holidaysVersion ?? '');
  const claimed = new Map<string, number>();
  const entries = [];
  for (const [index, item] of todo.entries()) {
    const { neighbourhood } = contexts[index] as (typeof contexts)[number];
    const rules = candidates[index] ?? [];
    const state = [...new Set(rules.flatMap((rule) => [rule.teamId, ...rule.informTeamIds]))].flatMap((id) => {
      const team = teams.get(id);
      return team ? [team] : [];
    });
    const outcome = decideRouting({
      facts: item.facts,
      neighbourhood,
      rules,
      teams: state,
      round: FIRST_ROUTING,
      now,
      holidays,
    });
    if (outcome.outcome === 'decided') {
      const team = teams.get(outcome.teamId) as TeamState;
      teams.set(team.id, { ...team, openAssignments: team.openAssignments + 1 });
      claimed.set(team.id, (claimed.get(team.id) ?? 0) + 1);
    }
    const municipalityCode =
      outcome.municipalityCode ??
      item.address.municipalityCode ??
      (await senderMunicipality(tx, item.address.partnerId)) ??
      null;
    entries.push({
      outcome: toRecorded(outcome, {
        facts: item.facts,
        address: item.address,
        neighbourhood,
        municipalityCode,
        round: FIRST_ROUTING,
        earlier: { escalatesOn: null },
      }),
      at: { now, context: { source: eventSource, ...item.trace }, lane },
    });
  }
  await recordRoutingOutcomes(tx, entries);
  // Last, so the teams' rows are locked only from here to the commit: a
  // crisis on the main lane for the same team waits for that, not for the
  // whole run. The places are claimed as the decisions counted them, or not
  // at all.
  if (claimed.size > 0) {
    const ids = [...claimed.keys()].sort();
    const taken = await tx.$queryRaw<{ id: string }[]>`
      UPDATE team SET open_assignments = open_assignments + taken.places
        FROM unnest(${ids}::uuid[], ${ids.map((id) => claimed.get(id) ?? 0)}::int[]) AS taken(id, places)
       WHERE team.id = taken.id AND team.active AND team.open_assignments + taken.places <= team.capacity
      RETURNING team.id::text`;
    if (taken.length < ids.length) throw new PlacesTakenMeanwhile();
  }
}

/**
 * Another routing took places of a team since the run read it (or the team
 * was switched off): the run's decisions no longer hold. The transaction
 * rolls back and the consumer applies the run's events one at a time, each
 * claiming its place as it decides.
 */
export class PlacesTakenMeanwhile extends Error {
  override readonly name = 'PlacesTakenMeanwhile';
  constructor() {
    super('a team filled up or went inactive while the run was decided');
  }
}

const signalFacts = (signal: EventData<typeof SignalReceivedV1>): RoutingFacts => ({
  item: { kind: 'signal', id: signal.signalId },
  kind: signal.signalType,
  urgency: signal.crisis ? 'crisis' : 'regular',
  ...(signal.amountBand ? { amountBand: signal.amountBand } : {}),
});

const caseFacts = (opened: EventData<typeof CaseOpenedV1>): RoutingFacts => ({
  item: { kind: 'case', id: opened.caseId },
  kind: opened.signalKind,
  urgency: opened.urgency,
  ...(opened.amountBand ? { amountBand: opened.amountBand } : {}),
  ...(opened.ageBand ? { ageBand: opened.ageBand } : {}),
});

const requestFacts = (request: EventData<typeof ReferralRequestedV1>): RoutingFacts => ({
  item: { kind: 'referral_request', id: request.requestId },
  kind: 'gp_referral',
  concernCodes: request.concernCodes,
  urgency: request.urgency,
  ageBand: request.ageBand,
});

/**
 * The first-routing handler of an opening event: one at a time through
 * routeItem, a run of them through routeItems. The event is the address too.
 */
const firstRouting = <D extends typeof SignalReceivedV1 | typeof CaseOpenedV1 | typeof ReferralRequestedV1>(
  definition: D,
  factsOf: (data: EventData<D>) => RoutingFacts,
  eventSource: string,
  lane: Lane,
) =>
  on<D, Transaction>(
    definition,
    (data, context) => routeItem(factsOf(data), data, context, eventSource, FIRST_ROUTING, undefined, lane),
    {
      handleMany: (items: BatchItem<EventData<D>>[], tx) =>
        routeItems(
          tx,
          items.map(({ data, trace }) => ({ facts: factsOf(data), address: data, trace })),
          eventSource,
          lane,
        ),
    },
  );

/** A single signal, as the walking skeleton sends it (before household cases). */
export const routeSignal = (eventSource: string, lane: Lane = 'main') =>
  firstRouting(SignalReceivedV1, signalFacts, eventSource, lane);

/** A household case: what signals publishes once cases exist; the team works the case. */
export const routeCase = (eventSource: string, lane: Lane = 'main') =>
  firstRouting(CaseOpenedV1, caseFacts, eventSource, lane);

/** A GP's request for a welfare coach: item kind `gp_referral`, matched on its concern codes. */
export const routeReferralRequest = (eventSource: string) =>
  firstRouting(ReferralRequestedV1, requestFacts, eventSource, 'main');

import { ReferralRequestedV1 } from '@vangnet/contracts/referrals';
import { CaseOpenedV1, SignalReceivedV1 } from '@vangnet/contracts/signals';
import { type HandlerContext, on } from '@vangnet/messaging/consumer';
import type { Lane } from '@vangnet/messaging/lanes';
import type { Transaction } from '../../db.ts';
import { senderMunicipality } from '../coordinator-queue/sender.ts';
import { recordRoutingOutcome } from '../routing-outcome/record.ts';
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
  holidaysAt,
  loadRules,
  loadTeams,
  lockAndLoadTeams,
  routingContext,
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
 * the teams of the rules that hold and the pure decision. Reads only; a
 * decided outcome binds once `claim` took the team's place (a re-routing,
 * which frees another team's place in the same transaction, locks every
 * team concerned in id order up front instead). `pnpm bench:routing`
 * measures exactly this, the claim included.
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
  outcome: RoutingOutcome;
  claim: () => Promise<RoutingOutcome>;
}> {
  const context = await routingContext(tx, address.postcode, address.houseNumber);
  const neighbourhood = context.neighbourhood;
  const rules = neighbourhood ? await loadRules(tx, neighbourhood.municipalityCode, context.rulesVersion) : [];
  const candidates = candidateRules(rules, facts, neighbourhood);
  const locked = lockTeamIds.length > 0;
  const teams = locked ? await lockAndLoadTeams(tx, candidates, lockTeamIds) : await loadTeams(tx, candidates);
  const holidays = await holidaysAt(tx, now, context.holidaysVersion);
  const decide = (state: TeamState[]) =>
    decideRouting({ facts, neighbourhood, rules: candidates, teams: state, round, now, holidays });
  const outcome = decide(teams);
  return {
    neighbourhood,
    outcome,
    claim: async () => {
      if (locked) {
        if (outcome.outcome === 'decided') await incrementOpenAssignments(tx, outcome.teamId);
        return outcome;
      }
      let current = outcome;
      let state = teams;
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
  const neighbourhood = decision.neighbourhood;
  const outcome = await decision.claim();
  const municipalityCode =
    outcome.municipalityCode ?? address.municipalityCode ?? (await senderMunicipality(tx, address.partnerId)) ?? null;
  const neighbourhoodCode = neighbourhood?.code ?? null;
  const routedOn = { facts, postcode: address.postcode, houseNumber: address.houseNumber };
  const context = { source: eventSource, ...trace };
  await recordRoutingOutcome(
    tx,
    outcome.outcome === 'decided'
      ? {
          outcome: 'decided',
          item: outcome.item,
          round,
          neighbourhoodCode,
          municipalityCode,
          routedOn,
          decision: outcome,
          escalatesOn: earlier.escalatesOn ?? outcome.escalation,
          // The claim above took the team's place already.
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
        },
    { now, context, lane },
  );
}

/** A single signal, as the walking skeleton sends it (before household cases). */
export const routeSignal = (eventSource: string, lane: Lane = 'main') =>
  on<typeof SignalReceivedV1, Transaction>(SignalReceivedV1, (signal, context) =>
    routeItem(
      {
        item: { kind: 'signal', id: signal.signalId },
        kind: signal.signalType,
        urgency: signal.crisis ? 'crisis' : 'regular',
        ...(signal.amountBand ? { amountBand: signal.amountBand } : {}),
      },
      signal,
      context,
      eventSource,
      FIRST_ROUTING,
      undefined,
      lane,
    ),
  );

/** A household case: what signals publishes once cases exist; the team works the case. */
export const routeCase = (eventSource: string, lane: Lane = 'main') =>
  on<typeof CaseOpenedV1, Transaction>(CaseOpenedV1, (opened, context) =>
    routeItem(
      {
        item: { kind: 'case', id: opened.caseId },
        kind: opened.signalKind,
        urgency: opened.urgency,
        ...(opened.amountBand ? { amountBand: opened.amountBand } : {}),
        ...(opened.ageBand ? { ageBand: opened.ageBand } : {}),
      },
      opened,
      context,
      eventSource,
      FIRST_ROUTING,
      undefined,
      lane,
    ),
  );

/** A GP's request for a welfare coach: item kind `gp_referral`, matched on its concern codes. */
export const routeReferralRequest = (eventSource: string) =>
  on<typeof ReferralRequestedV1, Transaction>(ReferralRequestedV1, (request, context) =>
    routeItem(
      {
        item: { kind: 'referral_request', id: request.requestId },
        kind: 'gp_referral',
        concernCodes: request.concernCodes,
        urgency: request.urgency,
        ageBand: request.ageBand,
      },
      request,
      context,
      eventSource,
    ),
  );

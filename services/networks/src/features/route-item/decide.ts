import type { AgeBand, ConcernCode, SignalKind, Urgency } from '@vangnet/contracts/codes';
import type { RoutedItem } from '@vangnet/contracts/networks';
import type { AmountBand } from '@vangnet/contracts/signals';
import {
  addWorkingDays,
  amsterdamDate,
  dutchHolidays,
  escalationDate,
  type HolidayCalendar,
  minuteDeadline,
} from '@vangnet/platform/working-days';

/**
 * What a rule may match on. Every field is optional; a rule matches an item
 * when every field it sets holds (AND), and a field holds when the item has
 * any of the listed values (OR). A rule that sets nothing matches everything:
 * the municipality's catch-all, usually last.
 */
export interface RuleMatch {
  /** Item kinds: the signal kinds of codes.ts; a GP referral request is `gp_referral`. */
  itemKinds?: SignalKind[];
  /** GP concern codes; holds when the item carries at least one of them. */
  concernCodes?: ConcernCode[];
  districtCodes?: string[];
  neighbourhoodCodes?: string[];
  ageBands?: AgeBand[];
  /** `['crisis']` for the crisis rule. */
  urgencies?: Urgency[];
  amountBands?: AmountBand[];
}

export interface RoutingRule {
  id: string;
  /** Switched-off rules stay in the list (and in the explanation) but never match. */
  enabled: boolean;
  match: RuleMatch;
  teamId: string;
  informTeamIds: string[];
  deadlineWorkingDays: number;
  /** A deadline on the clock instead of the calendar (see minuteDeadline); absent for working days. */
  deadlineMinutes?: number;
}

export interface TeamState {
  id: string;
  name: string;
  active: boolean;
  capacity: number;
  openAssignments: number;
}

export interface ItemNeighbourhood {
  code: string;
  districtCode: string;
  municipalityCode: string;
}

/** Everything the router knows about an item: the routing fields of its event, nothing personal. */
export interface RoutingFacts {
  item: RoutedItem;
  kind: SignalKind;
  concernCodes?: ConcernCode[];
  urgency: Urgency;
  ageBand?: AgeBand;
  amountBand?: AmountBand;
}

/** Which routing of the item this is; re-routing after a decline or expiry counts up. */
export interface RoutingRound {
  attempt: number;
  /** Teams that had the item before and must not get it again. */
  excludedTeamIds: string[];
}

export const FIRST_ROUTING: RoutingRound = Object.freeze({ attempt: 1, excludedTeamIds: [] });

/** A rule that matched but whose team could not take the item, and why. */
export interface PassedOver {
  ruleId: string;
  teamId: string;
  reason: 'at_capacity' | 'excluded' | 'inactive' | 'unknown_team';
}

export type FailureReason =
  | 'no_neighbourhood_for_address'
  | 'no_matching_rule'
  | 'all_teams_at_capacity'
  | 'no_team_left';

export type RoutingOutcome =
  | {
      outcome: 'decided';
      item: RoutedItem;
      teamId: string;
      informTeamIds: string[];
      ruleId: string;
      neighbourhoodCode: string;
      municipalityCode: string;
      deadline: string;
      /** The rule's deadline, which a later transfer of the item takes over. */
      deadlineWorkingDays: number;
      escalation: string;
      /** The exact instants, only for a rule with a deadline in minutes. */
      expiresAt?: string;
      escalatesAt?: string;
      passedOver: PassedOver[];
      explanation: string;
    }
  | {
      outcome: 'failed';
      item: RoutedItem;
      reason: FailureReason;
      municipalityCode?: string;
      passedOver: PassedOver[];
      explanation: string;
    };

const holds = <T>(wanted: readonly T[] | undefined, actual: T | undefined) =>
  wanted === undefined || wanted.length === 0 || (actual !== undefined && wanted.includes(actual));

/** Whether a rule's conditions hold for an item in a neighbourhood (ignores `enabled`). */
export function ruleMatches(match: RuleMatch, facts: RoutingFacts, area: ItemNeighbourhood): boolean {
  const concerns = match.concernCodes;
  return (
    holds(match.itemKinds, facts.kind) &&
    (concerns === undefined ||
      concerns.length === 0 ||
      (facts.concernCodes ?? []).some((code) => concerns.includes(code))) &&
    holds(match.districtCodes, area.districtCode) &&
    holds(match.neighbourhoodCodes, area.code) &&
    holds(match.ageBands, facts.ageBand) &&
    holds(match.urgencies, facts.urgency) &&
    holds(match.amountBands, facts.amountBand)
  );
}

const passReasons: Record<PassedOver['reason'], string> = {
  at_capacity: 'is at capacity',
  excluded: 'had the item before',
  inactive: 'is inactive',
  unknown_team: 'is unknown',
};

/** Events carry at most 500 characters of explanation. */
const clip = (text: string) => (text.length <= 500 ? text : `${text.slice(0, 497)}...`);

const describePassedOver = (passed: PassedOver[], teams: Map<string, TeamState>) =>
  passed
    .map(
      (entry) => `rule ${entry.ruleId}: ${teams.get(entry.teamId)?.name ?? entry.teamId} ${passReasons[entry.reason]}`,
    )
    .join('; ');

/**
 * Picks the team for an item: the first enabled rule of the municipality
 * (in list order) whose conditions hold and whose team can take it. A team
 * that had the item before (re-routing), is inactive or carries as many open
 * assignments as its capacity is passed over for the next matching rule, and
 * the outcome says so. Pure: the caller loads the neighbourhood, rules and
 * teams and stores the outcome; the clock and the holidays are passed in.
 */
export function decideRouting(input: {
  facts: RoutingFacts;
  neighbourhood: ItemNeighbourhood | undefined;
  rules: RoutingRule[];
  teams: TeamState[];
  round?: RoutingRound;
  now: Date;
  holidays?: HolidayCalendar;
}): RoutingOutcome {
  const { facts, neighbourhood, rules, now } = input;
  const round = input.round ?? FIRST_ROUTING;
  const holidays = input.holidays ?? dutchHolidays;
  const item = facts.item;
  if (!neighbourhood) {
    return {
      outcome: 'failed',
      item,
      reason: 'no_neighbourhood_for_address',
      passedOver: [],
      explanation: 'the address is in no neighbourhood of the postcode map',
    };
  }
  const teams = new Map(input.teams.map((team) => [team.id, team]));
  const passedOver: PassedOver[] = [];
  for (const rule of rules) {
    if (!rule.enabled || !ruleMatches(rule.match, facts, neighbourhood)) continue;
    const team = teams.get(rule.teamId);
    const reason: PassedOver['reason'] | undefined = !team
      ? 'unknown_team'
      : round.excludedTeamIds.includes(team.id)
        ? 'excluded'
        : !team.active
          ? 'inactive'
          : team.openAssignments >= team.capacity
            ? 'at_capacity'
            : undefined;
    if (reason || !team) {
      passedOver.push({ ruleId: rule.id, teamId: rule.teamId, reason: reason ?? 'unknown_team' });
      continue;
    }
    const intake = amsterdamDate(now);
    const informTeamIds = [...new Set(rule.informTeamIds)].filter(
      (id) => id !== team.id && teams.get(id)?.active === true,
    );
    const short = rule.deadlineMinutes ? minuteDeadline(now, rule.deadlineMinutes) : undefined;
    const skipped = passedOver.length > 0 ? ` (passed over: ${describePassedOver(passedOver, teams)})` : '';
    return {
      outcome: 'decided',
      item,
      teamId: team.id,
      informTeamIds,
      ruleId: rule.id,
      neighbourhoodCode: neighbourhood.code,
      municipalityCode: neighbourhood.municipalityCode,
      deadline: short?.deadline ?? addWorkingDays(intake, rule.deadlineWorkingDays, holidays),
      deadlineWorkingDays: rule.deadlineWorkingDays,
      escalation: short?.escalation ?? escalationDate(intake, rule.deadlineWorkingDays, holidays),
      ...(short ? { expiresAt: short.expiresAt, escalatesAt: short.escalatesAt } : {}),
      passedOver,
      explanation: clip(`rule ${rule.id} sends ${facts.kind} in ${neighbourhood.code} to ${team.name}${skipped}`),
    };
  }
  if (passedOver.length === 0) {
    return {
      outcome: 'failed',
      item,
      reason: 'no_matching_rule',
      municipalityCode: neighbourhood.municipalityCode,
      passedOver,
      explanation: clip(
        `no enabled rule of ${neighbourhood.municipalityCode} matches ${facts.kind} in ${neighbourhood.code}`,
      ),
    };
  }
  const reason = passedOver.some((entry) => entry.reason === 'at_capacity') ? 'all_teams_at_capacity' : 'no_team_left';
  return {
    outcome: 'failed',
    item,
    reason,
    municipalityCode: neighbourhood.municipalityCode,
    passedOver,
    explanation: clip(`every matching team was passed over: ${describePassedOver(passedOver, teams)}`),
  };
}

import type { RoutedItem } from '@vangnet/contracts/networks';
import {
  addWorkingDays,
  amsterdamDate,
  dutchHolidays,
  escalationDate,
  type HolidayCalendar,
} from '@vangnet/platform/working-days';
import type { RoutingRound } from '../route-item/decide.ts';

/** What networks remembers of a routed item (the routed_item row), enough to route it again. */
export interface RoutedItemState {
  item: RoutedItem;
  municipalityCode: string | null;
  neighbourhoodCode: string | null;
  attempt: number;
  /** The team holding the item now; null while it waits for the coordinator. */
  teamId: string | null;
  /** Teams that had it before `teamId`. */
  excludedTeamIds: string[];
  ruleId: string | null;
  deadlineWorkingDays: number | null;
  /** ISO date, from the first decided routing. */
  escalatesOn: string | null;
}

/** RoutingDecided allows 100 attempts and 100 excluded teams; past that a person decides. */
export const MAX_ATTEMPTS = 100;

/** The deadline a transfer gets when the item never had a rule (cannot happen after a decided routing). */
export const DEFAULT_DEADLINE_WORKING_DAYS = 5;

export type AfterReferralEnded =
  | { action: 'reroute'; round: RoutingRound }
  | { action: 'to_coordinator'; round: RoutingRound; explanation: string }
  | { action: 'none'; explanation: string };

/**
 * What a decline or an expired deadline means for the item: route it again
 * (attempt + 1), leaving out every team that ever had it, this one
 * included. When the referral's team no longer holds the item (it was
 * already routed on, or the coordinator has it), nothing is routed again:
 * a late or repeated end of an old referral must not give the item a second
 * team. Pure.
 */
export function decideAfterReferralEnded(
  state: RoutedItemState,
  ended: { teamId: string; why: 'declined' | 'expired' },
): AfterReferralEnded {
  if (state.teamId !== ended.teamId) {
    return {
      action: 'none',
      explanation: `the referral of team ${ended.teamId} ${ended.why}, but the item is no longer with that team`,
    };
  }
  const round: RoutingRound = {
    attempt: state.attempt + 1,
    excludedTeamIds: [...new Set([...state.excludedTeamIds, ended.teamId])],
  };
  if (round.attempt > MAX_ATTEMPTS || round.excludedTeamIds.length > MAX_ATTEMPTS) {
    return {
      action: 'to_coordinator',
      round,
      explanation: `the item was routed ${state.attempt} times; the coordinator decides from here`,
    };
  }
  return { action: 'reroute', round };
}

/** The team a transfer names, as networks knows it. */
export interface TransferTarget {
  id: string;
  name: string;
  municipalityCode: string;
  active: boolean;
  capacity: number;
  openAssignments: number;
}

export interface Transfer {
  teamId: string;
  toTeamId: string;
  newReferralId: string;
  transferredBy: 'team' | 'coordinator';
}

export type TransferRefusal =
  | 'not_current_team'
  | 'same_team'
  | 'team_unknown'
  | 'team_inactive'
  | 'team_elsewhere'
  | 'team_had_item'
  | 'too_many_attempts';

export type TransferOutcome =
  | {
      outcome: 'decided';
      round: RoutingRound;
      teamId: string;
      referralId: string;
      ruleId: string;
      deadline: string;
      deadlineWorkingDays: number;
      escalatesOn: string;
      explanation: string;
    }
  | { outcome: 'refused'; reason: TransferRefusal; explanation: string };

/** The rule id a transfer's RoutingDecided names: no rule chose the team, a person did. */
export const TRANSFER_RULE_ID = 'transfer';

/**
 * Whether the team a referral is transferred to may take the item: it must
 * exist, be active and work in the item's municipality. A team that had the
 * item before (declined it, let it expire) may get it back only when the
 * coordinator transfers it, a person's deliberate choice; a team cannot hand
 * it back to a team that already said no. The new referral gets the rule's
 * deadline counted from now, and keeps the escalation date of the first
 * routing, so passing an item around never postpones the coordinator.
 * Capacity does not refuse a transfer: someone chose this team on purpose.
 * Pure.
 */
export function decideTransfer(input: {
  state: RoutedItemState;
  transfer: Transfer;
  target: TransferTarget | undefined;
  now: Date;
  holidays?: HolidayCalendar;
}): TransferOutcome {
  const { state, transfer, target, now } = input;
  const holidays = input.holidays ?? dutchHolidays;
  const refuse = (reason: TransferRefusal, explanation: string): TransferOutcome => ({
    outcome: 'refused',
    reason,
    explanation: `transfer to team ${transfer.toTeamId} refused: ${explanation}`,
  });
  if (state.teamId !== transfer.teamId) {
    return refuse('not_current_team', `team ${transfer.teamId} does not hold the item`);
  }
  if (transfer.toTeamId === transfer.teamId) return refuse('same_team', 'the team already holds the item');
  if (!target) return refuse('team_unknown', 'no such team');
  if (!target.active) return refuse('team_inactive', `${target.name} is inactive`);
  if (state.municipalityCode === null || target.municipalityCode !== state.municipalityCode) {
    return refuse(
      'team_elsewhere',
      `${target.name} works in ${target.municipalityCode}, not in the item's municipality`,
    );
  }
  const hadIt = state.excludedTeamIds.includes(target.id);
  if (hadIt && transfer.transferredBy !== 'coordinator') {
    return refuse('team_had_item', `${target.name} had the item before; only the coordinator can give it back`);
  }
  const round: RoutingRound = {
    attempt: state.attempt + 1,
    excludedTeamIds: [...new Set([...state.excludedTeamIds, transfer.teamId])].filter((id) => id !== target.id),
  };
  if (round.attempt > MAX_ATTEMPTS || round.excludedTeamIds.length > MAX_ATTEMPTS) {
    return refuse('too_many_attempts', `the item was routed ${state.attempt} times`);
  }
  return {
    outcome: 'decided',
    round,
    teamId: target.id,
    referralId: transfer.newReferralId,
    ruleId: TRANSFER_RULE_ID,
    ...handDeadline(state, now, holidays, state.escalatesOn),
    explanation: `transferred by the ${transfer.transferredBy} to ${target.name}${overCapacity(target)}`,
  };
}

/**
 * The deadline of a team a person chose (a transfer, the coordinator's
 * assignment): the last rule's working days counted from today, escalating
 * at three times it unless the item keeps an earlier escalation date. Pure.
 */
export function handDeadline(
  state: Pick<RoutedItemState, 'deadlineWorkingDays'>,
  now: Date,
  holidays: HolidayCalendar,
  keptEscalation: string | null,
): { deadline: string; deadlineWorkingDays: number; escalatesOn: string } {
  const intake = amsterdamDate(now);
  const deadlineWorkingDays = state.deadlineWorkingDays ?? DEFAULT_DEADLINE_WORKING_DAYS;
  return {
    deadline: addWorkingDays(intake, deadlineWorkingDays, holidays),
    deadlineWorkingDays,
    escalatesOn: keptEscalation ?? escalationDate(intake, deadlineWorkingDays, holidays),
  };
}

/** A person may choose a full team; the explanation says so. */
export const overCapacity = (target: TransferTarget) =>
  target.openAssignments >= target.capacity ? ' (over its capacity)' : '';

import { dutchHolidays, type HolidayCalendar } from '@vangnet/platform/working-days';
import {
  handDeadline,
  MAX_ATTEMPTS,
  overCapacity,
  type RoutedItemState,
  type TransferTarget,
} from '../reroute-item/decide.ts';
import type { RoutingRound } from '../route-item/decide.ts';

/** The rule id of a RoutingDecided the coordinator made by hand from the queue. */
export const COORDINATOR_RULE_ID = 'coordinator';

export type AssignmentRefusal =
  | 'QUEUE_ITEM_HELD'
  | 'ASSIGN_TEAM_UNKNOWN'
  | 'ASSIGN_TEAM_INACTIVE'
  | 'ASSIGN_TEAM_ELSEWHERE'
  | 'ASSIGN_TOO_MANY_ATTEMPTS';

export type AssignmentOutcome =
  | {
      outcome: 'decided';
      round: RoutingRound;
      teamId: string;
      ruleId: string;
      deadline: string;
      deadlineWorkingDays: number;
      escalatesOn: string;
      explanation: string;
    }
  | { outcome: 'refused'; code: AssignmentRefusal; detail: string };

/**
 * Whether the coordinator may give a waiting item to a team: only an item
 * no team holds (no rule could place it, no team was left, a transfer was
 * refused; an escalated item is still with its team, which can transfer
 * it), and only to an active team of the item's municipality. The
 * coordinator may choose a team that declined before, or one at capacity:
 * a person decided, knowing why. The deadline is the last rule's, from
 * today, and so is the escalation date (three times the deadline): the
 * first routing's date has usually passed by the time an item leaves the
 * queue, and keeping it would escalate the new referral at the next timer
 * run and send it straight back here. (A team-to-team transfer keeps the
 * first date: passing an item around must not postpone the coordinator;
 * here the coordinator is the one deciding.) Pure.
 */
export function decideAssignment(input: {
  state: RoutedItemState;
  target: TransferTarget | undefined;
  now: Date;
  holidays?: HolidayCalendar;
}): AssignmentOutcome {
  const { state, target, now } = input;
  const holidays = input.holidays ?? dutchHolidays;
  if (state.teamId !== null) {
    return {
      outcome: 'refused',
      code: 'QUEUE_ITEM_HELD',
      detail: `team ${state.teamId} holds the item; it can transfer the referral`,
    };
  }
  if (!target) return { outcome: 'refused', code: 'ASSIGN_TEAM_UNKNOWN', detail: 'no such team' };
  // An item of no municipality (unassigned queue, worked by an admin) may go to a team anywhere: a person
  // found out where the resident lives.
  if (state.municipalityCode !== null && target.municipalityCode !== state.municipalityCode) {
    // A team elsewhere is as good as unknown to this municipality's coordinator.
    return {
      outcome: 'refused',
      code: 'ASSIGN_TEAM_ELSEWHERE',
      detail: "the team does not work in the item's municipality",
    };
  }
  if (!target.active) return { outcome: 'refused', code: 'ASSIGN_TEAM_INACTIVE', detail: `${target.name} is inactive` };
  const round: RoutingRound = {
    attempt: state.attempt + 1,
    excludedTeamIds: state.excludedTeamIds.filter((id) => id !== target.id),
  };
  if (round.attempt > MAX_ATTEMPTS) {
    return {
      outcome: 'refused',
      code: 'ASSIGN_TOO_MANY_ATTEMPTS',
      detail: `the item was routed ${state.attempt} times`,
    };
  }
  return {
    outcome: 'decided',
    round,
    teamId: target.id,
    ruleId: COORDINATOR_RULE_ID,
    ...handDeadline(state, now, holidays, null),
    explanation: `assigned by the coordinator to ${target.name}${overCapacity(target)}`,
  };
}

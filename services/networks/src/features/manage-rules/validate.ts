import type { InvalidField } from '@vangnet/platform/problem';
import type { RuleMatch } from '../route-item/decide.ts';

export interface RuleInput {
  id: string;
  /** false keeps a rule in its place without it ever matching. */
  enabled?: boolean;
  match: RuleMatch;
  teamId: string;
  informTeamIds?: string[];
  deadlineWorkingDays: number;
  /** A short deadline on the clock instead (see minuteDeadline). */
  deadlineMinutes?: number | undefined;
}

export interface KnownTeam {
  id: string;
  municipalityCode: string;
  active: boolean;
}

export interface KnownAreas {
  districtCodes: ReadonlySet<string>;
  neighbourhoodCodes: ReadonlySet<string>;
}

/** Codes of the problems a rule list can have; the first problem's code is the response's code. */
export const ruleProblems = {
  RULE_DUPLICATE_ID: 'another rule of the list has this id',
  RULE_TEAM_UNKNOWN: 'no team with this id in the municipality',
  RULE_TEAM_INACTIVE: 'the team is inactive; an enabled rule cannot assign to it',
  RULE_AREA_UNKNOWN: 'no such district or neighbourhood in the municipality',
} as const;
export type RuleProblemCode = keyof typeof ruleProblems;

/**
 * Why a municipality's new rule list cannot be stored, one entry per
 * problem with a pointer into the request body; [] when it can. Pure.
 * Checked at write time so that a rule the router cannot evaluate never
 * reaches it: every team a rule names must exist in the municipality (and
 * be active, unless the rule is switched off), every area must be one of
 * the municipality's own.
 */
export function ruleListProblems(
  municipalityCode: string,
  rules: RuleInput[],
  teams: KnownTeam[],
  areas: KnownAreas,
): InvalidField[] {
  const problems: InvalidField[] = [];
  const add = (pointer: string, code: RuleProblemCode, detail: string) =>
    problems.push({ in: 'body', pointer, code, detail: `${ruleProblems[code]}: ${detail}` });
  const byId = new Map(teams.filter((team) => team.municipalityCode === municipalityCode).map((t) => [t.id, t]));
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const at = `/rules/${index}`;
    if (seen.has(rule.id)) add(`${at}/id`, 'RULE_DUPLICATE_ID', rule.id);
    seen.add(rule.id);
    const enabled = rule.enabled ?? true;
    const checkTeam = (pointer: string, teamId: string) => {
      const team = byId.get(teamId);
      if (!team) add(pointer, 'RULE_TEAM_UNKNOWN', teamId);
      else if (!team.active && enabled) add(pointer, 'RULE_TEAM_INACTIVE', teamId);
    };
    checkTeam(`${at}/teamId`, rule.teamId);
    (rule.informTeamIds ?? []).forEach((teamId, n) => {
      checkTeam(`${at}/informTeamIds/${n}`, teamId);
    });
    (rule.match.districtCodes ?? []).forEach((code, n) => {
      if (!areas.districtCodes.has(code)) add(`${at}/match/districtCodes/${n}`, 'RULE_AREA_UNKNOWN', code);
    });
    (rule.match.neighbourhoodCodes ?? []).forEach((code, n) => {
      if (!areas.neighbourhoodCodes.has(code)) add(`${at}/match/neighbourhoodCodes/${n}`, 'RULE_AREA_UNKNOWN', code);
    });
  });
  return problems;
}

import { DomainError } from '@vangnet/platform/problem';
import type { Transaction } from '../../db.ts';
import { type RuleInput, ruleListProblems } from './validate.ts';

/**
 * Replaces a municipality's ordered rule list as a whole, in the caller's
 * transaction: the router sees the old list or the new one, never half.
 * Refused with the first problem's code (and every problem listed) when a
 * rule names an unknown or inactive team or an unknown area.
 */
export async function replaceRules(tx: Transaction, municipalityCode: string, rules: RuleInput[]): Promise<void> {
  const municipality = await tx.municipality.findUnique({ where: { code: municipalityCode } });
  if (!municipality) throw new DomainError('MUNICIPALITY_NOT_FOUND', `no municipality ${municipalityCode}`);
  const teamIds = [...new Set(rules.flatMap((rule) => [rule.teamId, ...(rule.informTeamIds ?? [])]))];
  // One after the other: a transaction is one connection, which runs one query at a time anyway.
  const teams = await tx.team.findMany({
    where: { id: { in: teamIds } },
    select: { id: true, municipalityCode: true, active: true },
  });
  const districts = await tx.district.findMany({ where: { municipalityCode }, select: { code: true } });
  const neighbourhoods = await tx.neighbourhood.findMany({ where: { municipalityCode }, select: { code: true } });
  const problems = ruleListProblems(municipalityCode, rules, teams, {
    districtCodes: new Set(districts.map((row) => row.code)),
    neighbourhoodCodes: new Set(neighbourhoods.map((row) => row.code)),
  });
  const [first] = problems;
  if (first) throw new DomainError(first.code, first.detail, problems);
  // Lock the list: two replacements at once would otherwise interleave their positions.
  await tx.$queryRaw`SELECT code FROM municipality WHERE code = ${municipalityCode} FOR UPDATE`;
  await tx.routingRule.deleteMany({ where: { municipalityCode } });
  await tx.routingRule.createMany({
    data: rules.map((rule, position) => ({
      municipalityCode,
      id: rule.id,
      position,
      enabled: rule.enabled ?? true,
      disabledReason: rule.enabled === false ? 'switched off by the coordinator' : null,
      match: rule.match as object,
      teamId: rule.teamId,
      informTeamIds: [...new Set(rule.informTeamIds ?? [])],
      deadlineWorkingDays: rule.deadlineWorkingDays,
      deadlineMinutes: rule.deadlineMinutes ?? null,
    })),
  });
}

/** Adds one rule at the end of the list (demo data and tests set up areas one by one). */
export async function appendRule(tx: Transaction, municipalityCode: string, rule: RuleInput): Promise<void> {
  const current = await tx.routingRule.findMany({ where: { municipalityCode }, orderBy: { position: 'asc' } });
  const kept: RuleInput[] = current
    .filter((row) => row.id !== rule.id)
    .map((row) => ({
      id: row.id,
      enabled: row.enabled,
      match: row.match as RuleInput['match'],
      teamId: row.teamId,
      informTeamIds: row.informTeamIds,
      deadlineWorkingDays: row.deadlineWorkingDays,
      deadlineMinutes: row.deadlineMinutes ?? undefined,
    }));
  // Switched-off rules keep their reason when the list is written back.
  const reasons = new Map(current.map((row) => [row.id, row.disabledReason]));
  await replaceRules(tx, municipalityCode, [...kept, rule]);
  for (const row of kept) {
    const reason = reasons.get(row.id);
    if (!row.enabled && reason) {
      await tx.routingRule.update({
        where: { municipalityCode_id: { municipalityCode, id: row.id } },
        data: { disabledReason: reason },
      });
    }
  }
}

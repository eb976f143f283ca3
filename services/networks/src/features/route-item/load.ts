import type { Transaction } from '../../db.ts';
import { neighbourhoodOf, postcodeKeys } from '../map-postcode/lookup.ts';
import { type ItemNeighbourhood, type RoutingFacts, type RoutingRule, ruleMatches, type TeamState } from './decide.ts';

/** Reads what decideRouting needs; shared by the router and the simulation. */

export async function findNeighbourhood(
  tx: Pick<Transaction, 'postcodeRange' | 'neighbourhood'>,
  postcode: string,
  houseNumber: number,
): Promise<ItemNeighbourhood | undefined> {
  const rows = await tx.postcodeRange.findMany({ where: { postcode: { in: postcodeKeys(postcode) } } });
  const code = neighbourhoodOf(rows, postcode, houseNumber);
  if (!code) return undefined;
  const found = await tx.neighbourhood.findUnique({ where: { code } });
  // An inactive neighbourhood routes nothing: the address is as good as unmapped.
  if (!found?.active) return undefined;
  return { code: found.code, districtCode: found.districtCode, municipalityCode: found.municipalityCode };
}

export async function loadRules(
  tx: Pick<Transaction, 'routingRule'>,
  municipalityCode: string,
): Promise<RoutingRule[]> {
  const rows = await tx.routingRule.findMany({ where: { municipalityCode }, orderBy: { position: 'asc' } });
  return rows.map((row) => ({
    id: row.id,
    enabled: row.enabled,
    match: row.match as RoutingRule['match'],
    teamId: row.teamId,
    informTeamIds: row.informTeamIds,
    deadlineWorkingDays: row.deadlineWorkingDays,
  }));
}

/**
 * The enabled rules that hold for the item, in order: the only ones whose
 * teams decideRouting looks at, so only their teams are read and locked
 * (a municipality may have thousands of rules; an item matches a few).
 */
export const candidateRules = (
  rules: RoutingRule[],
  facts: RoutingFacts,
  neighbourhood: ItemNeighbourhood | undefined,
) => (neighbourhood ? rules.filter((rule) => rule.enabled && ruleMatches(rule.match, facts, neighbourhood)) : []);

/**
 * Row locks on teams whose open assignments this transaction may change,
 * so two items routed at once on different partitions cannot both take a
 * team's last free place. One statement in id order: every transaction
 * takes its team locks the same way, so two never wait on each other.
 */
export async function lockTeams(tx: Pick<Transaction, '$queryRaw'>, teamIds: string[]): Promise<void> {
  const ids = [...new Set(teamIds)].sort();
  if (ids.length === 0) return;
  await tx.$queryRaw`SELECT id FROM team WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
}

/** The teams the rules assign to or inform (`lock`: the assigned ones locked, see lockTeams). */
export async function loadTeams(tx: Transaction, rules: RoutingRule[], lock: boolean): Promise<TeamState[]> {
  const ids = [...new Set(rules.flatMap((rule) => [rule.teamId, ...rule.informTeamIds]))];
  if (ids.length === 0) return [];
  if (lock)
    await lockTeams(
      tx,
      rules.map((rule) => rule.teamId),
    );
  const rows = await tx.team.findMany({ where: { id: { in: ids } } });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    active: row.active,
    capacity: row.capacity,
    openAssignments: row.openAssignments,
  }));
}

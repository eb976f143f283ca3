import type { Transaction } from '../../db.ts';
import { neighbourhoodOf, postcodeKeys } from '../map-postcode/lookup.ts';
import type { ItemNeighbourhood, RoutingRule, TeamState } from './decide.ts';

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
 * The teams the rules name. `lock` takes row locks, so two items routed at
 * once on different partitions cannot both take a team's last free place.
 */
export async function loadTeams(tx: Transaction, rules: RoutingRule[], lock: boolean): Promise<TeamState[]> {
  const ids = [...new Set(rules.flatMap((rule) => [rule.teamId, ...rule.informTeamIds]))];
  if (ids.length === 0) return [];
  if (lock) {
    await tx.$queryRaw`SELECT id FROM team WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  }
  const rows = await tx.team.findMany({ where: { id: { in: ids } } });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    active: row.active,
    capacity: row.capacity,
    openAssignments: row.openAssignments,
  }));
}

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

/**
 * Each municipality's rule list as last read, by the version it was read
 * at. A municipality may have thousands of rules; reading them all for
 * every item costs tens of milliseconds, asking for the version a fraction
 * of one. Any rule change gives the municipality a new version (a trigger,
 * see the rules_version migration), committed with the change, so a
 * decision never uses a list older than the one its transaction can see.
 * The version is read before the rules: a list read at a newer state than
 * its label only causes one extra reload, never a stale hit.
 */
const ruleCache = new Map<string, { version: string; rules: readonly RoutingRule[] }>();

export async function loadRules(
  tx: Pick<Transaction, 'routingRule' | 'municipality'>,
  municipalityCode: string,
): Promise<readonly RoutingRule[]> {
  const municipality = await tx.municipality.findUnique({
    where: { code: municipalityCode },
    select: { rulesVersion: true },
  });
  if (!municipality) return [];
  const cached = ruleCache.get(municipalityCode);
  if (cached?.version === municipality.rulesVersion) return cached.rules;
  const rows = await tx.routingRule.findMany({ where: { municipalityCode }, orderBy: { position: 'asc' } });
  const rules = Object.freeze(
    rows.map((row) => ({
      id: row.id,
      enabled: row.enabled,
      match: row.match as RoutingRule['match'],
      teamId: row.teamId,
      informTeamIds: row.informTeamIds,
      deadlineWorkingDays: row.deadlineWorkingDays,
      ...(row.deadlineMinutes === null ? {} : { deadlineMinutes: row.deadlineMinutes }),
    })),
  );
  ruleCache.set(municipalityCode, { version: municipality.rulesVersion, rules });
  return rules;
}

/**
 * The enabled rules that hold for the item, in order: the only ones whose
 * teams decideRouting looks at, so only their teams are read and locked
 * (a municipality may have thousands of rules; an item matches a few).
 */
export const candidateRules = (
  rules: readonly RoutingRule[],
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

/** The teams the rules assign to or inform; the router locks the assigned ones first (lockTeams). */
export async function loadTeams(tx: Transaction, rules: RoutingRule[]): Promise<TeamState[]> {
  const ids = [...new Set(rules.flatMap((rule) => [rule.teamId, ...rule.informTeamIds]))];
  if (ids.length === 0) return [];
  const rows = await tx.team.findMany({ where: { id: { in: ids } } });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    active: row.active,
    capacity: row.capacity,
    openAssignments: row.openAssignments,
  }));
}

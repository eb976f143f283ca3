import { amsterdamDate, type HolidayCalendar } from '@vangnet/platform/working-days';
import type { Transaction } from '../../db.ts';
import { neighbourhoodOf, postcodeKeys } from '../map-postcode/lookup.ts';
import { loadHolidayCalendar } from '../public-holidays/store.ts';
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
  /** The version as the caller's transaction already read it (routingContext), saving the round trip. */
  knownVersion?: string | null,
): Promise<readonly RoutingRule[]> {
  const municipality =
    knownVersion !== undefined
      ? knownVersion === null
        ? null
        : { rulesVersion: knownVersion }
      : await tx.municipality.findUnique({ where: { code: municipalityCode }, select: { rulesVersion: true } });
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
) =>
  neighbourhood
    ? rulesFor(rules, facts.kind, neighbourhood).filter((rule) => ruleMatches(rule.match, facts, neighbourhood))
    : [];

/**
 * Per rule list (a frozen list is replaced, never changed, on a new
 * version) an index of its enabled rules by place and item kind, built in
 * one pass when the list is loaded: a rule goes under each neighbourhood it
 * names (else each district, else "anywhere") and under each item kind it
 * names (else "any kind"). An item looks in the six buckets of its
 * neighbourhood, district and kind, in list order, and checks the other
 * conditions (urgency, bands, concerns) on those few rules instead of 10,000.
 */
interface RuleIndex {
  buckets: Map<string, number[]>;
  /** Per (kind, neighbourhood): the merged buckets, as decisions for one place repeat. */
  merged: Map<string, RoutingRule[]>;
}

const ruleIndex = new WeakMap<readonly RoutingRule[], RuleIndex>();
const ANY = '*';

function indexRules(rules: readonly RoutingRule[]): RuleIndex {
  const buckets = new Map<string, number[]>();
  rules.forEach((rule, position) => {
    if (!rule.enabled) return;
    const { neighbourhoodCodes: n, districtCodes: d, itemKinds: k } = rule.match;
    const places = n?.length ? n.map((code) => `n:${code}`) : d?.length ? d.map((code) => `d:${code}`) : [ANY];
    const kinds = k?.length ? k : [ANY];
    for (const place of new Set(places)) {
      for (const kind of new Set(kinds)) {
        const key = `${place}|${kind}`;
        const bucket = buckets.get(key);
        if (bucket) bucket.push(position);
        else buckets.set(key, [position]);
      }
    }
  });
  return { buckets, merged: new Map() };
}

function rulesFor(rules: readonly RoutingRule[], kind: RoutingFacts['kind'], area: ItemNeighbourhood): RoutingRule[] {
  let index = ruleIndex.get(rules);
  if (!index) {
    index = indexRules(rules);
    ruleIndex.set(rules, index);
  }
  const key = `${kind}|${area.code}|${area.districtCode}`;
  let found = index.merged.get(key);
  if (!found) {
    const positions: number[] = [];
    for (const place of [`n:${area.code}`, `d:${area.districtCode}`, ANY]) {
      for (const wanted of [kind, ANY]) positions.push(...(index.buckets.get(`${place}|${wanted}`) ?? []));
    }
    found = [...new Set(positions)]
      .sort((a, b) => a - b)
      .map((position) => rules[position] as RoutingRule)
      .filter(
        (rule) =>
          holdsFor(rule.match.itemKinds, kind) &&
          holdsFor(rule.match.neighbourhoodCodes, area.code) &&
          holdsFor(rule.match.districtCodes, area.districtCode),
      );
    index.merged.set(key, found);
  }
  return found;
}

const holdsFor = <T>(wanted: readonly T[] | undefined, actual: T) =>
  wanted === undefined || wanted.length === 0 || wanted.includes(actual);

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

/** The teams the rules assign to or inform, in one list without repeats. */
export const teamIdsOf = (rules: readonly RoutingRule[]) => [
  ...new Set(rules.flatMap((rule) => [rule.teamId, ...rule.informTeamIds])),
];

/** The teams the rules assign to or inform; the router locks the assigned ones first (lockTeams). */
export async function loadTeams(tx: Pick<Transaction, '$queryRaw'>, rules: RoutingRule[]): Promise<TeamState[]> {
  return teamsById(tx, teamIdsOf(rules));
}

/** Teams as committed now, without a lock. */
export async function teamsById(tx: Pick<Transaction, '$queryRaw'>, teamIds: string[]): Promise<TeamState[]> {
  const ids = [...new Set(teamIds)];
  if (ids.length === 0) return [];
  // Raw, as the router's other reads: only the five columns, no client-side mapping of the rest.
  const rows = await tx.$queryRaw<Parameters<typeof teamState>[0][]>`
    SELECT id::text, name, active, capacity, open_assignments FROM team WHERE id = ANY(${ids}::uuid[])`;
  return remember(rows.map(teamState));
}

/**
 * Each team as this instance last read or claimed it: a guess to decide
 * with before the claim, never a fact. Open assignments change with every
 * decision on every instance, so the claim reads the teams again in the same
 * statement (claimPlaceAndRead) and the decision is made again on what it
 * read; a wrong guess costs a statement, not a wrong routing. A few hundred
 * teams per deployment: the map stays small.
 */
const lastSeenTeams = new Map<string, TeamState>();

function remember(teams: TeamState[]): TeamState[] {
  for (const team of teams) lastSeenTeams.set(team.id, team);
  return teams;
}

/** The teams as last seen, or nothing when one of them was never seen (the caller reads them then). */
export function teamsAsLastSeen(teamIds: readonly string[]): TeamState[] | undefined {
  const teams: TeamState[] = [];
  for (const id of teamIds) {
    const team = lastSeenTeams.get(id);
    if (!team) return undefined;
    teams.push(team);
  }
  return teams;
}

function rememberClaim(teamId: string, places: number): void {
  const team = lastSeenTeams.get(teamId);
  if (team) lastSeenTeams.set(teamId, { ...team, openAssignments: team.openAssignments + places });
}

/** The teams of the candidate rules with their state now, as decideRouting needs them. */
const teamState = (row: {
  id: string;
  name: string;
  active: boolean;
  capacity: number;
  open_assignments: number;
}): TeamState => ({
  id: row.id,
  name: row.name,
  active: row.active,
  capacity: row.capacity,
  openAssignments: row.open_assignments,
});

/**
 * lockTeams and loadTeams in one round trip: the teams the rules assign to
 * or inform, plus `lockTeamIds`, locked in id order (as lockTeams) and read
 * as the lock sees them. Not cached: open assignments change with every
 * decision on every instance, and a stale count would overfill a team; the
 * lock is needed anyway, and the row comes with it for free. Locking the
 * informed teams too costs little (a rule informs a few) and keeps one order.
 */
export async function lockAndLoadTeams(
  tx: Pick<Transaction, '$queryRaw'>,
  rules: RoutingRule[],
  lockTeamIds: string[] = [],
): Promise<TeamState[]> {
  const ids = [...new Set([...rules.flatMap((rule) => [rule.teamId, ...rule.informTeamIds]), ...lockTeamIds])].sort();
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<Parameters<typeof teamState>[0][]>`
    SELECT id::text, name, active, capacity, open_assignments FROM team
     WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  return remember(rows.map(teamState));
}

/** What the router reads about an address before deciding (see routingContexts). */
export interface RoutingContext {
  neighbourhood: ItemNeighbourhood | undefined;
  rulesVersion: string | null;
  holidaysVersion: string;
}

/**
 * The address's neighbourhood, its municipality's rules version and the
 * holiday calendar's version in one statement: what the router asks the
 * database before every decision (the rules and the calendar themselves
 * come from memory while their versions hold). The postcode map is not
 * cached: a file delivery's rows are distinct households, so an address
 * cache would hardly ever hit, and holding a 500,000-row map per instance
 * costs memory and a reload on every import; the indexed lookup joined
 * with its neighbourhood is one round trip.
 */
export async function routingContext(
  tx: Pick<Transaction, '$queryRaw'>,
  postcode: string,
  houseNumber: number,
): Promise<RoutingContext> {
  const [context] = await routingContexts(tx, [{ postcode, houseNumber }]);
  return context as RoutingContext;
}

/**
 * routingContext for many addresses in the same one statement, in their
 * order: what the router reads for a batch of first routings.
 */
export async function routingContexts(
  tx: Pick<Transaction, '$queryRaw'>,
  addresses: readonly { postcode: string; houseNumber: number }[],
): Promise<RoutingContext[]> {
  const keys = addresses.map(({ postcode }) => postcodeKeys(postcode));
  const rows = await tx.$queryRaw<
    {
      i: number;
      postcode: string | null;
      house_number_from: number | null;
      house_number_to: number | null;
      neighbourhood_code: string | null;
      district_code: string | null;
      municipality_code: string | null;
      active: boolean | null;
      rules_version: string | null;
      holidays_version: string;
    }[]
  >`
    SELECT a.i::int AS i, r.postcode, r.house_number_from, r.house_number_to, r.neighbourhood_code,
           n.district_code, n.municipality_code, n.active, m.rules_version::text,
           h.version AS holidays_version
      FROM (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') AS version FROM public_holiday_year) h
      CROSS JOIN unnest(${keys.map(([pc6]) => pc6)}::text[], ${keys.map(([, pc4]) => pc4)}::text[])
                 WITH ORDINALITY AS a(pc6, pc4, i)
      LEFT JOIN postcode_range r ON r.postcode IN (a.pc6, a.pc4)
      LEFT JOIN neighbourhood n ON n.code = r.neighbourhood_code
      LEFT JOIN municipality m ON m.code = n.municipality_code`;
  const byAddress = addresses.map(() => [] as typeof rows);
  for (const row of rows) byAddress[row.i - 1]?.push(row);
  return addresses.map(({ postcode, houseNumber }, index) => {
    const found = byAddress[index] ?? [];
    const holidaysVersion = found[0]?.holidays_version ?? '';
    const ranges = found.flatMap((row) =>
      row.postcode === null || row.neighbourhood_code === null
        ? []
        : [
            {
              postcode: row.postcode,
              houseNumberFrom: row.house_number_from ?? 0,
              houseNumberTo: row.house_number_to ?? 0,
              neighbourhoodCode: row.neighbourhood_code,
            },
          ],
    );
    const code = neighbourhoodOf(ranges, postcode, houseNumber);
    const area = found.find((row) => row.neighbourhood_code === code);
    // An inactive (or missing) neighbourhood routes nothing: the address is as good as unmapped.
    if (!code || !area?.active || !area.district_code || !area.municipality_code) {
      return { neighbourhood: undefined, rulesVersion: null, holidaysVersion };
    }
    return {
      neighbourhood: { code, districtCode: area.district_code, municipalityCode: area.municipality_code },
      rulesVersion: area.rules_version,
      holidaysVersion,
    };
  });
}

/**
 * The configured holidays by the version routingContext read (the count and
 * latest change of the few yearly rows; a year's list is only ever replaced
 * whole, which renews its updated_at). Keyed with the first year read, which
 * moves at new year.
 */
let holidayCache: { key: string; calendar: HolidayCalendar } | undefined;

export async function holidaysAt(
  tx: Parameters<typeof loadHolidayCalendar>[0],
  now: Date,
  version: string,
): Promise<HolidayCalendar> {
  const key = `${version}|${amsterdamDate(now).slice(0, 4)}`;
  if (holidayCache?.key === key) return holidayCache.calendar;
  const calendar = await loadHolidayCalendar(tx, now);
  holidayCache = { key, calendar };
  return calendar;
}

/**
 * Takes one of the team's free places, if it still has one and is active:
 * the capacity check and the count in one statement under the row's lock,
 * so two decisions at once on different partitions cannot both take the
 * last place, and a decision locks only the team it chose (held to commit),
 * not every team of the rules that held.
 */
export async function claimPlace(tx: Pick<Transaction, '$queryRaw'>, teamId: string): Promise<boolean> {
  const claimed = await tx.$queryRaw<{ id: string }[]>`
    UPDATE team SET open_assignments = open_assignments + 1
     WHERE id = ${teamId}::uuid AND active AND open_assignments < capacity
    RETURNING id::text`;
  if (claimed.length > 0) rememberClaim(teamId, 1);
  return claimed.length > 0;
}

/**
 * claimPlace of the team a guess chose (or of none) and teamsById of the
 * candidates' teams in one round trip. The teams come as the statement's
 * snapshot saw them, before its own claim, which is what decideRouting
 * decides on; `claimed` says whether the place was taken (the claim
 * re-checks a row another transaction changed meanwhile, the read does not,
 * so a decision on the read may still find its team full: claimPlace then).
 */
export async function claimPlaceAndRead(
  tx: Pick<Transaction, '$queryRaw'>,
  teamId: string | null,
  teamIds: readonly string[],
): Promise<{ claimed: boolean; teams: TeamState[] }> {
  // The claimed team is always among those read, so its row carries the flag.
  const ids = teamId === null ? [...teamIds] : [...new Set([...teamIds, teamId])];
  const rows = await tx.$queryRaw<(Parameters<typeof teamState>[0] & { claimed: boolean })[]>`
    WITH claim AS (
      UPDATE team SET open_assignments = open_assignments + 1
       WHERE id = ${teamId}::uuid AND active AND open_assignments < capacity
      RETURNING id)
    SELECT t.id::text, t.name, t.active, t.capacity, t.open_assignments,
           EXISTS (SELECT 1 FROM claim WHERE claim.id = t.id) AS claimed
      FROM team t WHERE t.id = ANY(${ids}::uuid[])`;
  const teams = remember(rows.map(teamState));
  const claimed = teamId !== null && rows.some((row) => row.claimed);
  if (claimed) rememberClaim(teamId, 1);
  return { claimed, teams };
}

/** Gives back a place claimPlaceAndRead took on a guess that the fresh read overturned. */
export async function releasePlace(tx: Pick<Transaction, '$queryRaw'>, teamId: string): Promise<void> {
  await tx.$queryRaw`UPDATE team SET open_assignments = open_assignments - 1 WHERE id = ${teamId}::uuid`;
  rememberClaim(teamId, -1);
}

import type { OutboxContext } from '@vangnet/messaging/outbox';
import type { PrismaClient } from '../../db.ts';
import { putNeighbourhoodRanges } from '../import-postcodes/store.ts';
import { appendRule } from '../manage-rules/store.ts';
import { saveTeam, type TeamDefinition } from '../manage-teams/store.ts';
import { saveDistrict, saveMunicipality, saveNeighbourhood } from './store.ts';

/**
 * One neighbourhood made from nothing: its municipality and district if
 * missing, a postcode (PC6 or PC4) mapped to it, a team covering it and a
 * rule at the end of the municipality's list sending its items to that
 * team. For tests and demos that need a routable address in one call; an
 * operator uses the admin API instead.
 */
export async function setUpNeighbourhoodTeam(
  prisma: PrismaClient,
  context: OutboxContext,
  area: {
    municipalityCode: string;
    postcode: string;
    team: Omit<TeamDefinition, 'municipalityCode' | 'neighbourhoodCodes'>;
    neighbourhoodCode?: string;
    deadlineWorkingDays?: number;
  },
): Promise<{ neighbourhoodCode: string; districtCode: string; ruleId: string }> {
  const digits = area.municipalityCode.slice(2);
  const districtCode = `WK${digits}99`;
  return prisma.$transaction(async (tx) => {
    // The next free code of the municipality, so that no two set-ups share a neighbourhood.
    const last = await tx.neighbourhood.findFirst({
      where: { code: { startsWith: `BU${digits}` } },
      orderBy: { code: 'desc' },
    });
    const neighbourhoodCode =
      area.neighbourhoodCode ?? `BU${digits}${String(Number(last?.code.slice(6) ?? '0') + 1).padStart(4, '0')}`;
    const ruleId = `neighbourhood-${neighbourhoodCode}`;
    if (!(await tx.municipality.findUnique({ where: { code: area.municipalityCode } }))) {
      await saveMunicipality(tx, { code: area.municipalityCode, name: `Gemeente ${digits}` });
    }
    if (!(await tx.district.findUnique({ where: { code: districtCode } }))) {
      await saveDistrict(tx, { code: districtCode, municipalityCode: area.municipalityCode, name: 'Testwijk' });
    }
    await saveNeighbourhood(tx, { code: neighbourhoodCode, districtCode, name: `Buurt ${neighbourhoodCode}` }, context);
    await putNeighbourhoodRanges(tx, [
      { postcode: area.postcode, houseNumberFrom: 1, houseNumberTo: 99999, neighbourhoodCode },
    ]);
    await saveTeam(
      tx,
      { ...area.team, municipalityCode: area.municipalityCode, neighbourhoodCodes: [neighbourhoodCode] },
      context,
    );
    await appendRule(tx, area.municipalityCode, {
      id: ruleId,
      match: { neighbourhoodCodes: [neighbourhoodCode] },
      teamId: area.team.id,
      deadlineWorkingDays: area.deadlineWorkingDays ?? 5,
    });
    return { neighbourhoodCode, districtCode, ruleId };
  });
}

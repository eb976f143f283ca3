import type { PrismaClient } from '../../db.ts';

export interface TeamDefinition {
  id: string;
  name: string;
  municipalityCode: string;
  /** PC4 (`9901`) or PC6 (`9901AB`) areas the team covers. */
  postcodePrefixes: string[];
  active?: boolean;
}

/**
 * Creates or updates a team and its coverage. The admin API (networks issue)
 * will call this; until then demo data and tests do.
 */
export async function upsertTeam(prisma: PrismaClient, team: TeamDefinition): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const fields = { name: team.name, municipalityCode: team.municipalityCode, active: team.active ?? true };
    await tx.team.upsert({ where: { id: team.id }, create: { id: team.id, ...fields }, update: fields });
    for (const postcodePrefix of team.postcodePrefixes) {
      await tx.teamCoverage.upsert({
        where: { postcodePrefix },
        create: { postcodePrefix, teamId: team.id },
        update: { teamId: team.id },
      });
    }
  });
}

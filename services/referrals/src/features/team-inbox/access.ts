import type { Principal } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import type { PrismaClient } from '../../db.ts';

/**
 * Whether the caller may work with this team's inbox: a team token for that
 * very team, or the coordinator of the team's municipality (known from the
 * local copy of networks' teams). Anyone else is refused before any referral
 * is looked up, so nothing about another team's work leaks.
 */
export async function checkTeamAccess(prisma: PrismaClient, principal: Principal, teamId: string): Promise<void> {
  if (principal.kind === 'team') {
    if (principal.organisationId !== teamId) throw new DomainError('TEAM_NOT_YOURS', 'your token is for another team');
    return;
  }
  if (principal.kind === 'coordinator') {
    const team = await prisma.team.findUnique({ where: { id: teamId }, select: { municipalityCode: true } });
    if (!team || !principal.municipalityCode || team.municipalityCode !== principal.municipalityCode) {
      throw new DomainError('TEAM_NOT_YOURS', 'this team does not work in your municipality');
    }
    return;
  }
  throw new DomainError('TEAM_NOT_YOURS', 'only a team or its coordinator sees a team inbox');
}

import type { Principal } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import type { PrismaClient } from '../../db.ts';

/**
 * Whether the caller may work with this team's inbox: a team token for that
 * very team, or the coordinator of the team's municipality (known from the
 * local copy of networks' teams). Anyone else is answered 404 before any
 * referral is looked up, exactly as for a team that does not exist: whether
 * another team exists, or has work, is not the caller's to know (OWASP API1).
 */
export async function checkTeamAccess(prisma: PrismaClient, principal: Principal, teamId: string): Promise<void> {
  if (principal.kind === 'team') {
    if (principal.organisationId !== teamId) throw new DomainError('TEAM_NOT_FOUND', `no team ${teamId} among yours`);
    return;
  }
  if (principal.kind === 'coordinator') {
    const team = await prisma.team.findUnique({ where: { id: teamId }, select: { municipalityCode: true } });
    if (!team || !principal.municipalityCode || team.municipalityCode !== principal.municipalityCode) {
      throw new DomainError('TEAM_NOT_FOUND', `no team ${teamId} among yours`);
    }
    return;
  }
  throw new DomainError('TEAM_NOT_FOUND', `no team ${teamId} among yours`);
}

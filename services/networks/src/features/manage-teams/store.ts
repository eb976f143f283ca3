import type { TeamSpecialism } from '@vangnet/contracts/codes';
import { TeamChangedV1 } from '@vangnet/contracts/networks';
import { appendToOutbox } from '@vangnet/db/outbox';
import { type OutboxContext, outboxMessage } from '@vangnet/messaging/outbox';
import { DomainError } from '@vangnet/platform/problem';
import type { Transaction } from '../../db.ts';

export interface TeamDefinition {
  id: string;
  name: string;
  municipalityCode: string;
  specialisms?: TeamSpecialism[];
  /** CBS neighbourhood codes (`BU…`) the team covers, of its own municipality. */
  neighbourhoodCodes?: string[];
  capacity?: number;
  active?: boolean;
  contact?: string | null;
  webhookUrl?: string | null;
}

/** A rule switched off because the team it assigns to went inactive. */
export interface DisabledRule {
  municipalityCode: string;
  ruleId: string;
  reason: string;
}

/**
 * Creates or changes a team, publishes its whole new state (TeamChanged,
 * revision + 1) through the outbox, and, when the team is inactive, switches
 * off every enabled rule that assigns to it. The switched-off rules are
 * returned and keep their reason, so the coordinator sees them instead of
 * the router silently skipping them.
 */
export async function saveTeam(
  tx: Transaction,
  team: TeamDefinition,
  context: OutboxContext,
): Promise<{ revision: number; disabledRules: DisabledRule[] }> {
  const existing = await tx.team.findUnique({ where: { id: team.id } });
  if (existing && existing.municipalityCode !== team.municipalityCode) {
    throw new DomainError('TEAM_MUNICIPALITY_FIXED', `team ${team.id} belongs to ${existing.municipalityCode}`);
  }
  const neighbourhoodCodes = [...new Set(team.neighbourhoodCodes ?? [])].sort();
  if (neighbourhoodCodes.length > 0) {
    const known = await tx.neighbourhood.findMany({
      where: { code: { in: neighbourhoodCodes }, municipalityCode: team.municipalityCode },
      select: { code: true },
    });
    const missing = neighbourhoodCodes.filter((code) => !known.some((row) => row.code === code));
    if (missing.length > 0) {
      throw new DomainError(
        'NEIGHBOURHOOD_NOT_FOUND',
        `no neighbourhood ${missing.join(', ')} in ${team.municipalityCode}`,
      );
    }
  }
  const fields = {
    name: team.name,
    municipalityCode: team.municipalityCode,
    active: team.active ?? true,
    specialisms: [...new Set(team.specialisms ?? [])],
    capacity: team.capacity ?? existing?.capacity ?? 25,
    contact: team.contact ?? null,
    webhookUrl: team.webhookUrl ?? null,
  };
  const saved = await tx.team.upsert({
    where: { id: team.id },
    create: { id: team.id, ...fields },
    update: { ...fields, revision: { increment: 1 } },
  });
  await tx.teamNeighbourhood.deleteMany({ where: { teamId: team.id } });
  if (neighbourhoodCodes.length > 0) {
    await tx.teamNeighbourhood.createMany({
      data: neighbourhoodCodes.map((neighbourhoodCode) => ({ teamId: team.id, neighbourhoodCode })),
    });
  }
  const disabledRules: DisabledRule[] = [];
  if (!saved.active) {
    const reason = `team ${saved.name} (${saved.id}) went inactive`;
    const rules = await tx.routingRule.findMany({ where: { teamId: saved.id, enabled: true } });
    await tx.routingRule.updateMany({
      where: { teamId: saved.id, enabled: true },
      data: { enabled: false, disabledReason: reason },
    });
    disabledRules.push(...rules.map((rule) => ({ municipalityCode: rule.municipalityCode, ruleId: rule.id, reason })));
  }
  await appendToOutbox(tx, [
    outboxMessage(
      TeamChangedV1,
      {
        teamId: saved.id,
        municipalityCode: saved.municipalityCode,
        name: saved.name,
        specialisms: saved.specialisms as TeamSpecialism[],
        neighbourhoodCodes,
        capacity: saved.capacity,
        active: saved.active,
        revision: saved.revision,
        changedAt: (context.time ?? new Date()).toISOString(),
      },
      context,
    ),
  ]);
  return { revision: saved.revision, disabledRules };
}

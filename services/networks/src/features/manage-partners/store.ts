import type { SignalKind } from '@vangnet/contracts/codes';
import { PartnerChangedV1, type PartnerKind } from '@vangnet/contracts/networks';
import { appendToOutbox } from '@vangnet/db/outbox';
import { type OutboxContext, outboxMessage } from '@vangnet/messaging/outbox';
import type { Principal } from '@vangnet/platform/auth';
import { DomainError } from '@vangnet/platform/problem';
import type { Transaction } from '../../db.ts';
import { assertMayWritePartner } from './decide.ts';

export interface PartnerDefinition {
  partnerId: string;
  kind: PartnerKind;
  oin?: string | undefined;
  kvk?: string | undefined;
  municipalityCodes: string[];
  signalKinds: SignalKind[];
  active: boolean;
}

/**
 * Creates or changes a partner organisation and publishes its whole new
 * state (PartnerChanged, revision + 1) through the outbox in the same
 * transaction. The register number (OIN or KvK) stays here: the event
 * carries what the other services act on, nothing more.
 */
export async function savePartner(
  tx: Transaction,
  caller: Pick<Principal, 'kind' | 'municipalityCode'>,
  partner: PartnerDefinition,
  context: OutboxContext,
): Promise<{ created: boolean }> {
  // Locked: two writes of one partner at once would otherwise publish the same revision twice.
  await tx.$queryRaw`SELECT id FROM partner WHERE id = ${partner.partnerId} FOR UPDATE`;
  const existing = await tx.partner.findUnique({ where: { id: partner.partnerId } });
  const municipalityCodes = [...new Set(partner.municipalityCodes)].sort();
  assertMayWritePartner(
    caller,
    existing
      ? { partnerId: existing.id, kind: existing.kind, municipalityCodes: existing.municipalityCodes }
      : undefined,
    { kind: partner.kind, municipalityCodes },
  );
  const known = await tx.municipality.findMany({ where: { code: { in: municipalityCodes } }, select: { code: true } });
  const missing = municipalityCodes.filter((code) => !known.some((row) => row.code === code));
  if (missing.length > 0) {
    throw new DomainError(
      'PARTNER_MUNICIPALITY_UNKNOWN',
      `no municipality ${missing.join(', ')}`,
      missing.map((code) => ({
        in: 'body',
        pointer: `/municipalityCodes/${partner.municipalityCodes.indexOf(code)}`,
        code: 'PARTNER_MUNICIPALITY_UNKNOWN',
        detail: `no municipality ${code}`,
      })),
    );
  }
  const fields = {
    kind: partner.kind,
    oin: partner.oin ?? null,
    kvk: partner.kvk ?? null,
    municipalityCodes,
    signalKinds: [...new Set(partner.signalKinds)].sort(),
    active: partner.active,
  };
  const saved = await tx.partner.upsert({
    where: { id: partner.partnerId },
    create: { id: partner.partnerId, ...fields },
    update: { ...fields, revision: { increment: 1 } },
  });
  await appendToOutbox(tx, [
    outboxMessage(
      PartnerChangedV1,
      {
        partnerId: saved.id,
        kind: saved.kind as PartnerKind,
        municipalityCodes: saved.municipalityCodes,
        signalKinds: saved.signalKinds as SignalKind[],
        active: saved.active,
        revision: saved.revision,
        changedAt: (context.time ?? new Date()).toISOString(),
      },
      context,
    ),
  ]);
  return { created: !existing };
}

import { NeighbourhoodChangedV1 } from '@vangnet/contracts/networks';
import { appendToOutbox } from '@vangnet/db/outbox';
import { type OutboxContext, outboxMessage } from '@vangnet/messaging/outbox';
import { DomainError } from '@vangnet/platform/problem';
import type { Transaction } from '../../db.ts';

export interface MunicipalityDefinition {
  code: string;
  name: string;
}

export interface DistrictDefinition {
  code: string;
  municipalityCode: string;
  name: string;
}

export interface NeighbourhoodDefinition {
  code: string;
  districtCode: string;
  name: string;
  active?: boolean;
}

/** Creates the municipality or renames it. */
export async function saveMunicipality(tx: Transaction, municipality: MunicipalityDefinition): Promise<void> {
  await tx.municipality.upsert({
    where: { code: municipality.code },
    create: municipality,
    update: { name: municipality.name },
  });
}

export async function saveDistrict(tx: Transaction, district: DistrictDefinition): Promise<void> {
  const municipality = await tx.municipality.findUnique({ where: { code: district.municipalityCode } });
  if (!municipality) {
    throw new DomainError('MUNICIPALITY_NOT_FOUND', `no municipality ${district.municipalityCode}`);
  }
  const existing = await tx.district.findUnique({ where: { code: district.code } });
  if (existing && existing.municipalityCode !== district.municipalityCode) {
    throw new DomainError('AREA_CONFLICT', `district ${district.code} belongs to ${existing.municipalityCode}`);
  }
  await tx.district.upsert({ where: { code: district.code }, create: district, update: { name: district.name } });
}

/**
 * Creates or changes a neighbourhood and publishes its whole new state
 * (NeighbourhoodChanged, revision + 1) through the outbox, in the same
 * transaction. Returns the municipality it belongs to.
 */
export async function saveNeighbourhood(
  tx: Transaction,
  neighbourhood: NeighbourhoodDefinition,
  context: OutboxContext,
): Promise<{ municipalityCode: string; revision: number }> {
  const district = await tx.district.findUnique({ where: { code: neighbourhood.districtCode } });
  if (!district) throw new DomainError('DISTRICT_NOT_FOUND', `no district ${neighbourhood.districtCode}`);
  const existing = await tx.neighbourhood.findUnique({ where: { code: neighbourhood.code } });
  if (existing && existing.municipalityCode !== district.municipalityCode) {
    throw new DomainError(
      'AREA_CONFLICT',
      `neighbourhood ${neighbourhood.code} belongs to ${existing.municipalityCode}`,
    );
  }
  const fields = {
    districtCode: district.code,
    municipalityCode: district.municipalityCode,
    name: neighbourhood.name,
    active: neighbourhood.active ?? true,
  };
  const saved = await tx.neighbourhood.upsert({
    where: { code: neighbourhood.code },
    create: { code: neighbourhood.code, ...fields },
    update: { ...fields, revision: { increment: 1 } },
  });
  await appendToOutbox(tx, [
    outboxMessage(
      NeighbourhoodChangedV1,
      {
        neighbourhoodCode: saved.code,
        districtCode: saved.districtCode,
        municipalityCode: saved.municipalityCode,
        name: saved.name,
        active: saved.active,
        revision: saved.revision,
        changedAt: (context.time ?? new Date()).toISOString(),
      },
      context,
    ),
  ]);
  return { municipalityCode: saved.municipalityCode, revision: saved.revision };
}

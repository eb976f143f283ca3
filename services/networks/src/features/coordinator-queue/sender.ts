import type { Transaction } from '../../db.ts';

/**
 * The municipality whose coordinator takes an item the postcode map could
 * not place: the one the sending partner is registered for. A partner in
 * several municipalities (a national insurer, say) names none: its item
 * waits in the unassigned queue, which admins work, rather than with a
 * coordinator who may not be the resident's.
 */
export async function senderMunicipality(
  tx: Pick<Transaction, 'partner'>,
  partnerId: string | undefined,
): Promise<string | undefined> {
  if (!partnerId) return undefined;
  const partner = await tx.partner.findUnique({ where: { id: partnerId }, select: { municipalityCodes: true } });
  return partner?.municipalityCodes.length === 1 ? partner.municipalityCodes[0] : undefined;
}

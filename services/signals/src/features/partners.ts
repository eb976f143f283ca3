import type { OrganisationKind } from '@vangnet/contracts/organisations';

/** The organisation kinds that deliver signals: creditors and schools. */
export const signallingKinds: readonly OrganisationKind[] = ['landlord', 'energy', 'water', 'health_insurer', 'school'];

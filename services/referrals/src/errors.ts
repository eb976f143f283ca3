import type { DomainErrorTable } from '@vangnet/platform/problem';

/** Every domain error code of the referrals service, with its HTTP meaning. */
export const referralsErrors = {
  TEAM_NOT_YOURS: { status: 403, title: 'A team sees only its own referrals' },
} satisfies DomainErrorTable;

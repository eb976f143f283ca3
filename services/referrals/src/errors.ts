import type { DomainErrorTable } from '@vangnet/platform/problem';

/** Every domain error code of the referrals service, with its HTTP meaning. */
export const referralsErrors = {
  TEAM_NOT_YOURS: { status: 403, title: 'A team sees only its own referrals' },
  WEBHOOK_SUBSCRIPTION_NOT_FOUND: { status: 404, title: 'No such webhook subscription' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, title: 'No such webhook delivery' },
  WEBHOOK_SUBSCRIPTION_LIMIT: { status: 409, title: 'Too many webhook subscriptions' },
} satisfies DomainErrorTable;

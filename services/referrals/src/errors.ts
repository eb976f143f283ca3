import type { DomainErrorTable } from '@vangnet/platform/problem';

/** Every domain error code of the referrals service, with its HTTP meaning. */
export const referralsErrors = {
  TEAM_NOT_FOUND: { status: 404, title: 'No such team among yours' },
  // Municipality codes are public (CBS): naming another one reveals nothing, so 403 as in networks.
  NOT_YOUR_MUNICIPALITY: { status: 403, title: 'This token does not work for that municipality' },
  REFERRAL_NOT_FOUND: { status: 404, title: 'No such referral' },
  SUBJECT_NOT_FOUND: { status: 404, title: 'No personal details for this caller' },
  REFERRAL_TRANSITION_NOT_ALLOWED: {
    status: 409,
    title: 'This action is not allowed in the referral’s current status',
  },
  REFERRAL_NOT_ESCALATABLE: { status: 409, title: 'Only a routed referral is escalated, once' },
  CONTACT_DATE_IN_FUTURE: { status: 422, title: 'A contact attempt cannot lie in the future' },
  CLOSING_RESULT_NEEDS_CONTACT: { status: 422, title: 'This closing result needs a recorded contact attempt' },
  TRANSFER_TO_SAME_TEAM: { status: 422, title: 'The referral is already with this team' },
  TRANSFER_TEAM_UNKNOWN: { status: 422, title: 'No active team with this id is known' },
  TRANSFER_OTHER_MUNICIPALITY: { status: 422, title: 'A referral moves only to a team of the same municipality' },
  TRANSFER_TEAM_HAD_ITEM: { status: 422, title: 'This team already had the item; the coordinator can assign it' },
  REFERRAL_CONSENT_REQUIRED: { status: 422, title: 'A GP referral needs the patient’s consent' },
  REFERRAL_INVALID: { status: 422, title: 'The referral breaks an intake rule' },
  INVALID_CURSOR: { status: 422, title: 'The cursor is not one this API handed out' },
  WEBHOOK_SUBSCRIPTION_NOT_FOUND: { status: 404, title: 'No such webhook subscription' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, title: 'No such webhook delivery' },
  WEBHOOK_SUBSCRIPTION_LIMIT: { status: 409, title: 'Too many webhook subscriptions' },
  WEBHOOK_SUBSCRIPTION_RETIRED: {
    status: 409,
    title: 'The webhook subscription is retired (its endpoint answered 410 Gone)',
  },
  WEBHOOK_EVENT_NOT_AVAILABLE: { status: 422, title: 'Your organisation does not receive this webhook event' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 422, title: 'Vangnet does not call this endpoint' },
} satisfies DomainErrorTable;

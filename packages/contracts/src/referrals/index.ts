export { ContactAttemptedV1 } from './contact-attempted.v1.ts';
export { ReferralAcceptedV1 } from './referral-accepted.v1.ts';
export { ReferralClosedV1 } from './referral-closed.v1.ts';
export { ReferralDeclinedV1 } from './referral-declined.v1.ts';
export { ReferralExpiredV1 } from './referral-expired.v1.ts';
export { referralRef } from './referral-ref.ts';
export { ReferralRequestedV1 } from './referral-requested.v1.ts';
export { ReferralTransferredV1 } from './referral-transferred.v1.ts';

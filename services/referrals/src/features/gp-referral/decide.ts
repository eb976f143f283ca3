import { type AgeBand, ageBandOn } from '@vangnet/contracts/codes';
import type { GpReferralRequest } from '@vangnet/contracts/http/referrals';
import { DomainError, type InvalidField } from '@vangnet/platform/problem';
import { amsterdamDate } from '@vangnet/platform/working-days';

/**
 * The purposes a patient must have consented to for a GP referral to exist
 * at all: the referral itself, and sharing the details with the team, since
 * a coach cannot reach a patient whose details it may not see.
 */
export const REQUIRED_PURPOSES = ['referral_to_welfare_coach', 'share_with_team'] as const;
/** Clocks of GP systems drift; a consent "recorded" minutes ahead of ours is not a lie. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The rules a GP referral must meet beyond its shape. No consent, no
 * referral: consent missing, refused, or not covering the referral itself
 * and sharing with the team is refused with REFERRAL_CONSENT_REQUIRED (one
 * entry per missing purpose), so a practice system can tell it apart from a
 * typo. Returns the age band the event carries.
 */
export function validateGpReferral(request: GpReferralRequest, now: Date): { ageBand: AgeBand } {
  const consent = request.consent;
  const consentIssues: InvalidField[] = [];
  if (!consent) {
    consentIssues.push({ in: 'body', pointer: '/consent', code: 'required', detail: 'record the patient’s consent' });
  } else {
    if (!consent.given) {
      consentIssues.push({
        in: 'body',
        pointer: '/consent/given',
        code: 'consent_not_given',
        detail: 'the patient did not consent; the referral cannot be made',
      });
    }
    for (const purpose of REQUIRED_PURPOSES) {
      if (consent.purposes.includes(purpose)) continue;
      consentIssues.push({
        in: 'body',
        pointer: '/consent/purposes',
        code: 'purpose_missing',
        detail: `the consent must cover ${purpose}`,
      });
    }
  }
  if (consentIssues.length > 0) {
    throw new DomainError('REFERRAL_CONSENT_REQUIRED', 'a GP referral needs the patient’s consent', consentIssues);
  }

  const today = amsterdamDate(now);
  const issues: InvalidField[] = [];
  if (consent && Date.parse(consent.recordedAt) > now.getTime() + CLOCK_SKEW_MS) {
    issues.push({
      in: 'body',
      pointer: '/consent/recordedAt',
      code: 'in_future',
      detail: 'consent is recorded before the referral',
    });
  }
  const dateOfBirth = request.patient.dateOfBirth;
  if (dateOfBirth > today) {
    issues.push({
      in: 'body',
      pointer: '/patient/dateOfBirth',
      code: 'in_future',
      detail: 'a date of birth lies in the past',
    });
  } else if (Number(today.slice(0, 4)) - Number(dateOfBirth.slice(0, 4)) > 125) {
    issues.push({
      in: 'body',
      pointer: '/patient/dateOfBirth',
      code: 'implausible',
      detail: 'more than 125 years ago',
    });
  }
  if (issues.length > 0) throw new DomainError('REFERRAL_INVALID', 'the referral breaks an intake rule', issues);
  return { ageBand: ageBandOn(dateOfBirth, today) };
}

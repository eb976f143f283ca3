import type { AnyEventDefinition } from './events.ts';
import { NeighbourhoodChangedV1 } from './networks/neighbourhood-changed.v1.ts';
import { PartnerChangedV1 } from './networks/partner-changed.v1.ts';
import { RoutingDecidedV1, RoutingFailedV1 } from './networks/routing-decided.v1.ts';
import { RoutingDecidedV2 } from './networks/routing-decided.v2.ts';
import { TeamChangedV1 } from './networks/team-changed.v1.ts';
import { ContactAttemptedV1 } from './referrals/contact-attempted.v1.ts';
import { ReferralAcceptedV1 } from './referrals/referral-accepted.v1.ts';
import { ReferralClosedV1 } from './referrals/referral-closed.v1.ts';
import { ReferralDeclinedV1 } from './referrals/referral-declined.v1.ts';
import { ReferralEscalatedV1 } from './referrals/referral-escalated.v1.ts';
import { ReferralExpiredV1 } from './referrals/referral-expired.v1.ts';
import { ReferralRequestedV1 } from './referrals/referral-requested.v1.ts';
import { ReferralTransferredV1 } from './referrals/referral-transferred.v1.ts';
import { CaseClosedV1 } from './signals/case-closed.v1.ts';
import { CaseOpenedV1 } from './signals/case-opened.v1.ts';
import { CaseSignalAddedV1 } from './signals/case-signal-added.v1.ts';
import { SignalReceivedV1 } from './signals/signal-received.v1.ts';

/**
 * Every event definition, every version, that was ever published. A new
 * event or version is added here, and an old version stays for as long as
 * it may sit on a topic or in a dead-letter topic: the AsyncAPI document,
 * the stored samples and their tests are all driven by this list.
 */
export const eventRegistry: readonly AnyEventDefinition[] = Object.freeze([
  SignalReceivedV1,
  CaseOpenedV1,
  CaseSignalAddedV1,
  CaseClosedV1,
  TeamChangedV1,
  NeighbourhoodChangedV1,
  PartnerChangedV1,
  RoutingDecidedV1,
  RoutingDecidedV2,
  RoutingFailedV1,
  ReferralRequestedV1,
  ReferralAcceptedV1,
  ReferralDeclinedV1,
  ReferralExpiredV1,
  ReferralEscalatedV1,
  ReferralTransferredV1,
  ContactAttemptedV1,
  ReferralClosedV1,
]);

/** The definition of a CloudEvents type, or undefined for a type nobody defined. */
export function eventDefinitionOf(type: string): AnyEventDefinition | undefined {
  return eventRegistry.find((definition) => definition.type === type);
}

/**
 * The version producers publish today: the highest version of each event
 * name. Older versions are readable only (through an upcaster).
 */
export function isCurrentVersion(definition: AnyEventDefinition): boolean {
  return !eventRegistry.some(
    (other) =>
      other.domain === definition.domain && other.name === definition.name && other.version > definition.version,
  );
}

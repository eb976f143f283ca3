import { z } from 'zod';

/**
 * The code lists events and HTTP bodies share, each defined once. Codes are
 * lower snake case English and never change meaning: a consumer stores them,
 * reports count them (the DDAS monitor), and a renamed code would split one
 * count into two. Add a code freely; removing or renaming one is a new event
 * version. Sources: shared/DOMAIN.md, the DDAS model and the national
 * convenant (Landelijk Convenant Vroegsignalering).
 */

/**
 * What kind of early signal opened or joined a case. The debt kinds are the
 * DDAS creditor types (`other_creditor` is DDAS "other"); the rest are the
 * non-debt senders: a school's absence report, a GP's referral to a welfare
 * coach (Welzijn op Recept) and a concern from a team or neighbourhood partner.
 * SignalReceived v1 predates this list and uses its own four-value subset.
 */
export const signalKinds = [
  'rent',
  'energy',
  'water',
  'health_insurance',
  'cak',
  'duo',
  'tax_office',
  'benefits_office',
  'mortgage',
  'other_creditor',
  'school_absence',
  'gp_referral',
  'neighbourhood_concern',
] as const;
export const SignalKind = z.enum(signalKinds);
export type SignalKind = z.infer<typeof SignalKind>;

/**
 * How a case or referral ended (DDAS closing results). Creditors learn the
 * specific result only for `repeat`, `unjustified`, `deceased` and
 * `not_resident` (see `resultsSharedWithCreditors`); where the household was
 * helped or is in a trajectory only that it was picked up
 * (`resultsShownAsPickedUp`); for the rest only that it was not picked up.
 */
export const closingResults = [
  /** A new signal from the same creditor whose arrears did not rise. */
  'repeat',
  /** Under the municipal threshold or outside the convenant windows (onterecht signaal). */
  'unjustified',
  'other_reason',
  'deceased',
  /** Not living in the municipality; handed to the right one. */
  'not_resident',
  'known_to_debt_help',
  'other_trajectory',
  /** Every contact attempt failed; the case is given up. */
  'no_contact_final',
  /** Solved within 30 days of accepting help. */
  'quick_fix',
  'follow_up_financial',
  'follow_up_non_financial',
  'referred_without_contact',
] as const;
export const ClosingResult = z.enum(closingResults);
export type ClosingResult = z.infer<typeof ClosingResult>;

/** The closing results a creditor may be told as such (purpose limitation). */
export const resultsSharedWithCreditors: readonly ClosingResult[] = [
  'repeat',
  'unjustified',
  'deceased',
  'not_resident',
];

/**
 * The closing results where the household was helped or is in a trajectory:
 * a creditor learns only `picked_up` (opgepakt), never why, which is what
 * lets it pause collection or an eviction.
 */
export const resultsShownAsPickedUp: readonly ClosingResult[] = [
  'quick_fix',
  'follow_up_financial',
  'follow_up_non_financial',
  'known_to_debt_help',
  'other_trajectory',
  'referred_without_contact',
];

/**
 * Why a team declined a referral. A decline is never the end: the router
 * re-routes to the next team that fits, and the reason tells it what to
 * avoid (another area, another specialism, a team with room).
 */
export const declineReasons = [
  'outside_our_area',
  'not_our_specialism',
  'no_capacity',
  /** Another team or service already works with this household. */
  'already_in_care',
  /** The team cannot act on what it was given (the sender is asked for more). */
  'insufficient_information',
  'conflict_of_interest',
  'other',
] as const;
export const DeclineReason = z.enum(declineReasons);
export type DeclineReason = z.infer<typeof DeclineReason>;

/** How a team tried to reach someone (DDAS contact channels). */
export const contactChannels = [
  'letter',
  'phone',
  /** SMS or WhatsApp. */
  'text_message',
  'email',
  'home_visit',
  /** A card through the letterbox after a home visit nobody answered. */
  'card',
  /** Through another organisation or a file check, without the person. */
  'administrative',
  'other',
] as const;
export const ContactChannel = z.enum(contactChannels);
export type ContactChannel = z.infer<typeof ContactChannel>;

/**
 * When in the day a contact attempt was made. The DDAS monitor asks for it:
 * a household never reached in the morning may be reached in the evening.
 */
export const partsOfDay = ['morning', 'afternoon', 'evening'] as const;
export const PartOfDay = z.enum(partsOfDay);
export type PartOfDay = z.infer<typeof PartOfDay>;

/**
 * How fast a team must act. `crisis`: eviction or disconnection threatens,
 * or a GP asks for contact within days (Wgs: first conversation within 3
 * working days); `urgent`: sooner than the type's usual deadline.
 */
export const urgencies = ['regular', 'urgent', 'crisis'] as const;
export const Urgency = z.enum(urgencies);
export type Urgency = z.infer<typeof Urgency>;

/**
 * Age as a band, never a birth date: enough to route on (youth teams,
 * elderly teams, leerplicht until 18, young adults until 27), too coarse to
 * identify anyone.
 */
export const ageBands = ['under_12', '12_to_17', '18_to_26', '27_to_66', '67_and_over'] as const;
export const AgeBand = z.enum(ageBands);
export type AgeBand = z.infer<typeof AgeBand>;

/** The age band someone is in on `today` (ISO dates): the band changes on the birthday itself. */
export function ageBandOn(dateOfBirth: string, today: string): AgeBand {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const age = ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
  if (age < 12) return 'under_12';
  if (age < 18) return '12_to_17';
  if (age < 27) return '18_to_26';
  if (age < 67) return '27_to_66';
  return '67_and_over';
}

/**
 * What a GP referral (Welzijn op Recept) is about, as codes instead of free
 * text: health data is special-category data (GDPR art. 9), so the event
 * says only enough to route to a team with the right specialism.
 */
export const concernCodes = [
  'loneliness',
  'low_mood',
  'stress',
  'grief',
  'lack_of_daily_structure',
  'money_worries',
  'housing',
  'work_or_daytime_activity',
  'physical_activity',
  'caregiver_burden',
  'parenting',
  'language_or_literacy',
  'social_participation',
  'other',
] as const;
export const ConcernCode = z.enum(concernCodes);
export type ConcernCode = z.infer<typeof ConcernCode>;

/** What a team is good at; routing rules match on it. */
export const teamSpecialisms = [
  'debt_and_money',
  'youth',
  'elderly',
  'welfare_coaching',
  'general_social_work',
] as const;
export const TeamSpecialism = z.enum(teamSpecialisms);
export type TeamSpecialism = z.infer<typeof TeamSpecialism>;

/** CBS municipality code, e.g. `GM0363` (Amsterdam). */
export const MunicipalityCode = z.string().regex(/^GM\d{4}$/);
/** CBS district code (wijk), e.g. `WK036301`. */
export const DistrictCode = z.string().regex(/^WK\d{6}$/);
/** CBS neighbourhood code (buurt), e.g. `BU03630101`. */
export const NeighbourhoodCode = z.string().regex(/^BU\d{8}$/);
/** Dutch postcode as stored: `1234AB`, no space. */
export const EventPostcode = z.string().regex(/^[1-9]\d{3}[A-Z]{2}$/);
export const HouseNumber = z.number().int().min(1).max(99999);

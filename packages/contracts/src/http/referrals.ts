import { z } from 'zod';
import {
  AgeBand,
  ClosingResult,
  ConcernCode,
  ContactChannel,
  DeclineReason,
  NeighbourhoodCode,
  PartOfDay,
  Urgency,
} from '../codes.ts';
import { RoutedItem } from '../networks/routing-decided.v1.ts';
import { Address, Phone, typedText } from './signals.ts';

/**
 * HTTP shapes of the referrals API: the team inbox and its actions, and the
 * GP referral (Welzijn op Recept) with its status for the referring practice.
 * Requests are strict (unknown fields are refused) and every string and list
 * has a limit.
 */

export const ReferralStatus = z.enum([
  'routed',
  'accepted',
  'in_progress',
  'declined',
  'expired',
  'transferred',
  'closed',
]);
export type ReferralStatus = z.infer<typeof ReferralStatus>;
export const ReferralAction = z.enum(['accept', 'decline', 'expire', 'transfer', 'record_contact', 'close']);

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * Free text of several lines (a GP's note, a team's closing notes), which may
 * be left blank: tab and line breaks belong there, every other C0 control
 * character and DEL is refused naming the field, as the platform's guard does.
 */
const multilineText = (max: number) => typedText({ max, lines: 'several', blank: true });

export const ReferralSummary = z.object({
  id: z.uuid(),
  teamId: z.uuid(),
  item: RoutedItem,
  status: ReferralStatus,
  urgency: Urgency.optional(),
  neighbourhoodCode: NeighbourhoodCode.optional(),
  deadline: z.iso.date(),
  escalatesOn: z.iso.date(),
  escalated: z.boolean(),
  attempt: z.number().int(),
  explanation: z.string(),
  declineReason: DeclineReason.optional(),
  result: ClosingResult.optional(),
  createdAt: isoDateTime,
  acceptedAt: isoDateTime.optional(),
  firstContactAt: isoDateTime.optional(),
  endedAt: isoDateTime.optional(),
  /** What the caller may do now (the lifecycle's allowed actions for this status). */
  allowedActions: z.array(ReferralAction),
  links: z.object({
    self: z.string(),
    /**
     * Where the person's details are, while the team holds the referral:
     * referrals itself for a GP request, signals (`/v1/cases/{caseId}/subject`)
     * for a household case. Absent once the referral ended.
     */
    subject: z.string().optional(),
  }),
});
export type ReferralSummary = z.infer<typeof ReferralSummary>;

export const ReferralList = z.object({
  items: z.array(ReferralSummary),
  /** Cursor of the next page; absent on the last page. */
  next: z.string().optional(),
});

export const referralSorts = ['created_desc', 'created_asc', 'deadline_asc', 'deadline_desc'] as const;
export const ReferralSort = z.enum(referralSorts);

const statusChoice = `(${ReferralStatus.options.join('|')})`;
/** Spaces, tabs and line breaks: the others of `\s` are control characters the platform's guard refuses. */
const blank = '[ \\t\\n\\r]*';

/** Filters of the team inbox; `status` takes one status or several, comma-separated. */
export const ReferralListQuery = z.strictObject({
  status: z
    .string()
    .max(200)
    // The list's grammar, for the document: a transform alone would show a bare string. It is the whole
    // rule (a status named twice counts once), so a list the document allows is never refused.
    .regex(
      new RegExp(`^${blank}${statusChoice}${blank}(,${blank}${statusChoice}${blank})*$`),
      `one or more of ${ReferralStatus.options.join(', ')}, comma-separated`,
    )
    .transform((value) => [...new Set(value.split(',').map((part) => part.trim()))])
    .pipe(z.array(ReferralStatus).min(1))
    .optional(),
  deadlineBefore: z.iso.date().optional().describe('Only referrals whose deadline is before this date.'),
  urgency: Urgency.optional(),
  neighbourhood: NeighbourhoodCode.optional(),
  sort: ReferralSort.default('created_desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const HistoryEntry = z.object({
  action: z.string(),
  fromStatus: ReferralStatus.optional(),
  toStatus: ReferralStatus,
  code: z.string().optional(),
  actorKind: z.enum(['team', 'coordinator', 'timer', 'router']),
  at: isoDateTime,
});

export const ContactAttemptRequest = z.strictObject({
  channel: ContactChannel,
  date: z.iso.date(),
  partOfDay: PartOfDay,
  reached: z.boolean(),
});

export const ContactAttemptView = ContactAttemptRequest.extend({
  id: z.uuid(),
  recordedAt: isoDateTime,
});

export const ReferralDetail = ReferralSummary.extend({
  closingNotes: z.string().optional(),
  contactAttempts: z.array(ContactAttemptView),
  history: z.array(HistoryEntry),
});
export type ReferralDetail = z.infer<typeof ReferralDetail>;

export const DeclineRequest = z.strictObject({ reason: DeclineReason });
export const TransferRequest = z.strictObject({ toTeamId: z.uuid() });
export const CloseRequest = z.strictObject({
  result: ClosingResult,
  /** The team's own notes; no other free text is kept on a referral. */
  notes: multilineText(2000).optional(),
});

export const TransferResponse = ReferralDetail.extend({
  /** The id the new team's referral will have once the router confirms the transfer. */
  newReferralId: z.uuid(),
});

export const NoticeList = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      item: RoutedItem,
      assignedTeamId: z.uuid(),
      neighbourhoodCode: NeighbourhoodCode.optional(),
      createdAt: isoDateTime,
    }),
  ),
});

const name = typedText({ max: 100 });
const phone = Phone;

export const consentPurposes = ['referral_to_welfare_coach', 'share_with_team', 'feedback_to_referrer'] as const;
export const ConsentPurpose = z.enum(consentPurposes);

/**
 * The patient's consent as the practice recorded it. Optional in the schema
 * on purpose: a referral without consent is refused with its own code
 * (REFERRAL_CONSENT_REQUIRED), not a generic validation error.
 */
export const Consent = z.strictObject({
  given: z.boolean(),
  recordedBy: name.describe('The professional who recorded the consent.'),
  recordedAt: isoDateTime,
  purposes: z.array(ConsentPurpose).min(1).max(consentPurposes.length),
});

export const GpReferralRequest = z.strictObject({
  /** The practice's own reference; sending it again answers with the first referral. */
  reference: typedText({ max: 100 }).optional(),
  patient: z.strictObject({
    givenName: name,
    familyName: name,
    dateOfBirth: z.iso.date(),
    phone: phone.optional(),
    email: z.email().max(254).optional(),
    address: Address,
  }),
  concern: z.strictObject({
    codes: z.array(ConcernCode).min(1).max(10),
    /** ICPC as recorded in the GP system: Z68 for a Welzijn op Recept referral, or another Z code. */
    icpc: z
      .string()
      .regex(/^Z\d{2}$/, 'expected an ICPC code of chapter Z, such as Z68')
      .default('Z68'),
    /** What the coach needs to know, in the GP's words. Health data: shown only to the team holding the referral. */
    note: multilineText(1000).optional(),
  }),
  urgency: Urgency,
  referrer: z.strictObject({
    name,
    role: z.enum(['gp', 'poh_ggz', 'practice_nurse', 'physiotherapist', 'other']),
    phone,
    email: z.email().max(254).optional(),
  }),
  consent: Consent.optional(),
});
export type GpReferralRequest = z.infer<typeof GpReferralRequest>;

/**
 * What the referring practice sees: where its referral is, never which
 * person at which team. `with_coordinator`: every team declined or none
 * fits, and the municipality's coordinator has it.
 */
export const GpReferralStatus = z.enum([
  'received',
  'routed',
  'accepted',
  'first_contact_made',
  'closed',
  'with_coordinator',
]);

export const GpReferralView = z.object({
  id: z.uuid(),
  reference: z.string().optional(),
  status: GpReferralStatus,
  outcome: ClosingResult.optional(),
  urgency: Urgency,
  ageBand: AgeBand,
  concernCodes: z.array(ConcernCode),
  receivedAt: isoDateTime,
  acceptedAt: isoDateTime.optional(),
  firstContactAt: isoDateTime.optional(),
  closedAt: isoDateTime.optional(),
  handedToCoordinatorAt: isoDateTime.optional(),
});
export type GpReferralView = z.infer<typeof GpReferralView>;

/** The CloudEvents type of the one webhook event a GP practice receives. */
export const GP_REFERRAL_STATUS_CHANGED_TYPE = 'nl.vangnet.referrals.GpReferralStatusChanged.v1';

/**
 * The data of GpReferralStatusChanged, a webhook-only event (never on
 * Kafka): the practice's referral moved to another GP-visible status. The
 * same purpose-limited facts as GpReferralView and nothing else, so never
 * which team, why a team declined, how a contact went or why routing chose
 * what it chose. Sent only when the patient consented to
 * `feedback_to_referrer`.
 */
export const GpReferralStatusChanged = z.strictObject({
  requestId: z.uuid(),
  status: GpReferralStatus,
  outcome: ClosingResult.optional(),
  acceptedAt: isoDateTime.optional(),
  firstContactAt: isoDateTime.optional(),
  closedAt: isoDateTime.optional(),
});
export type GpReferralStatusChanged = z.infer<typeof GpReferralStatusChanged>;

/** The patient's details as a team holding an active referral for the request sees them. */
export const GpReferralSubject = z.object({
  requestId: z.uuid(),
  patient: z.object({
    givenName: z.string(),
    familyName: z.string(),
    dateOfBirth: z.iso.date(),
    phone: z.string().optional(),
    email: z.string().optional(),
    address: z.object({
      postcode: z.string(),
      houseNumber: z.number().int(),
      houseNumberAddition: z.string().optional(),
    }),
  }),
  concern: z.object({ codes: z.array(ConcernCode), icpc: z.string(), note: z.string().optional() }),
  urgency: Urgency,
  referrer: z.object({ name: z.string(), role: z.string(), phone: z.string(), email: z.string().optional() }),
  consent: z.object({ recordedBy: z.string(), recordedAt: isoDateTime, purposes: z.array(ConsentPurpose) }),
});

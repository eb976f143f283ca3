import { z } from 'zod';

/**
 * Dutch postcode, normalised to `1234AB`. The pattern sits before the
 * transform so that the OpenAPI document (the input side) shows it too.
 */
export const Postcode = z
  .string()
  .regex(/^ *[1-9][0-9]{3} *[A-Za-z]{2} *$/, 'expected a Dutch postcode such as 1234AB')
  .transform((value) => value.replaceAll(' ', '').toUpperCase());

/** C0 controls and DEL: none has a place in text of one line, and a NUL cannot even be stored. */
const ONE_LINE_CONTROL = '\\u0000-\\u001f\\u007f';
/** What the platform's guard refuses: tab and line breaks stay allowed in text of several lines. */
const GUARD_CONTROL = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f';
/** What `trim()` removes beside the controls: JavaScript's white space and line terminators. */
const TRIMMED = ' \\u0009-\\u000d\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/**
 * Text a person typed (a name, a reference, a note), stored trimmed. Every
 * check runs on the text as sent, which is what the OpenAPI document shows,
 * and trimming comes last: so a text the document allows is never refused
 * (a blank name once passed `minLength` and failed after trimming). The
 * pattern refuses the controls (refused as `invalid_format`, naming the
 * field) and, unless `blank` is allowed, asks for one character trimming
 * keeps.
 */
export function typedText(options: { max: number; lines?: 'one' | 'several'; blank?: boolean }) {
  const control = options.lines === 'several' ? GUARD_CONTROL : ONE_LINE_CONTROL;
  const pattern = options.blank ? `^[^${control}]*$` : `^[^${control}]*[^${control}${TRIMMED}][^${control}]*$`;
  const message = options.blank
    ? 'must not contain control characters'
    : `must not be blank or contain control characters${options.lines === 'several' ? '' : ' (no tab or line break)'}`;
  return z.string().max(options.max).regex(new RegExp(pattern), message).trim();
}

/** A phone number as partners' systems write it; spaces around it are allowed and trimmed. */
export const Phone = z
  .string()
  .regex(/^ *\+?[0-9 ()-]{6,20}$/, 'expected a phone number')
  .trim();

export const Address = z.strictObject({
  postcode: Postcode,
  houseNumber: z.number().int().min(1).max(99999),
  houseNumberAddition: typedText({ max: 10 }).optional(),
});

const hasAtMostTwoDecimals = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;

/** Euros with at most two decimals, as partners' ledgers record them. */
export const EuroAmount = z
  .number()
  .positive()
  .max(10_000_000)
  .refine(hasAtMostTwoDecimals, 'expected at most two decimals (euro cents)')
  // The same rule for the document's readers, which a refinement does not show: a request the document allows is never a 400.
  .meta({ multipleOf: 0.01 });

/**
 * What a partner may send. The debt kinds are the convenant's creditor types
 * (CAK collects health-insurance premium arrears after six months); a school
 * sends worrying absence. The event contract's `SignalKind` holds them all.
 */
export const SignalRequestType = z.enum(['rent', 'energy', 'water', 'health_insurance', 'cak', 'school_absence']);
export type SignalRequestType = z.infer<typeof SignalRequestType>;

/** The person the signal is about, as far as the partner knows them. Never a BSN. */
export const Subject = z.strictObject({
  givenName: typedText({ max: 100 }).optional(),
  familyName: typedText({ max: 100 }).optional(),
  dateOfBirth: z.iso.date().optional(),
  phone: Phone.optional(),
  email: z.email().max(254).optional(),
});
export type Subject = z.infer<typeof Subject>;

/**
 * What a landlord records before it may signal (convenant): (a) it tried
 * personal contact, (b) pointed the tenant to debt help, (c) sent at least
 * one written reminder, (d) offered in that reminder to share the details
 * with the municipality. A tenant who objected blocks the signal; one who
 * could not be reached does not.
 */
export const RentPreconditions = z.strictObject({
  contactAttempted: z.boolean(),
  tenantReached: z.boolean().optional(),
  pointedToDebtHelp: z.boolean(),
  reminderSentOn: z.iso.date().nullable(),
  consentOfferMade: z.boolean(),
  tenantObjected: z.boolean(),
});
export type RentPreconditions = z.infer<typeof RentPreconditions>;

/** An announced disconnection (energy, water) or eviction (rent): a crisis signal. */
export const Crisis = z.strictObject({
  kind: z.enum(['disconnection', 'eviction']),
  plannedOn: z.iso.date().optional(),
});

/** Unauthorised absence a school reports (Leerplichtwet: 16 hours in 4 school weeks). */
export const Absence = z.strictObject({
  hours: z.number().int().min(1).max(2000),
  from: z.iso.date(),
  to: z.iso.date(),
});

/**
 * One signal. Which parts are required depends on the type (arrears for the
 * debt types, preconditions for rent, absence for schools); the service
 * checks that and names the missing fields, so every type shares one shape.
 */
export const SignalRequest = z.strictObject({
  type: SignalRequestType,
  /** The partner's own reference; unique per partner, so a resend is recognised. */
  reference: typedText({ max: 100 }),
  subject: Subject.optional(),
  address: Address,
  arrears: z
    .strictObject({
      amount: EuroAmount,
      since: z.iso.date(),
    })
    .optional(),
  preconditions: RentPreconditions.optional(),
  crisis: Crisis.optional(),
  absence: Absence.optional(),
});
export type SignalRequest = z.infer<typeof SignalRequest>;

/**
 * What a partner may learn of its signal (purpose limitation): the specific
 * result only for `repeat`, `unjustified`, `deceased` and `not_resident`;
 * `picked_up` where the household was helped or is in a trajectory (never
 * why); otherwise only that it is being worked or that it was not picked up.
 */
export const SignalStatus = z.enum([
  'in_progress',
  // No team could be found yet (say the address is not on the postcode map): a person at the municipality has it.
  'with_coordinator',
  'picked_up',
  'not_picked_up',
  'repeat',
  'unjustified',
  'deceased',
  'not_resident',
]);
export type SignalStatus = z.infer<typeof SignalStatus>;

export const SignalResponse = z.object({
  id: z.uuid(),
  reference: z.string(),
  type: SignalRequestType,
  status: SignalStatus,
  /** The household case the signal joined; absent when it never reaches a team (repeat, unjustified). */
  caseId: z.uuid().optional(),
  receivedAt: z.iso.datetime({ offset: true }),
});
export type SignalResponse = z.infer<typeof SignalResponse>;

export const SignalListQuery = z.strictObject({
  status: SignalStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The `next` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const SignalList = z.object({
  items: z.array(SignalResponse),
  next: z.string().optional(),
});

export const MAX_BATCH_SIZE = 1000;

/** Items are checked one by one, so a bad item is reported beside the good ones instead of failing the batch. */
export const SignalBatchRequest = z
  .strictObject({
    signals: z.array(z.unknown()).min(1),
  })
  // Each item is validated on its own (a bad item is refused, the others taken
  // in): the platform's control-character guard leaves the items to that.
  .meta({ 'x-control-characters-per-item': true });

export const BatchItemResult = z.union([
  z.object({ index: z.number().int(), status: z.literal('accepted'), signal: SignalResponse }),
  z.object({
    index: z.number().int(),
    status: z.literal('rejected'),
    code: z.string(),
    detail: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), pointer: z.string(), code: z.string(), detail: z.string() })).optional(),
  }),
]);
export type BatchItemResult = z.infer<typeof BatchItemResult>;

export const SignalBatchResponse = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  results: z.array(BatchItemResult),
});
export type SignalBatchResponse = z.infer<typeof SignalBatchResponse>;

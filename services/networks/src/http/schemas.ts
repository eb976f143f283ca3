import {
  AgeBand,
  ConcernCode,
  DistrictCode,
  MunicipalityCode,
  NeighbourhoodCode,
  SignalKind,
  TeamSpecialism,
  Urgency,
} from '@vangnet/contracts/codes';
import { Postcode, typedText } from '@vangnet/contracts/http/signals';
import { PartnerKind, RoutedItem } from '@vangnet/contracts/networks';
import { AmountBand } from '@vangnet/contracts/signals';
import { MAX_DEADLINE_MINUTES } from '@vangnet/platform/working-days';
import { z } from 'zod';

/**
 * The admin API's bodies. They belong in packages/contracts/src/http (as
 * signals' do) once the contracts package exports `./http/networks`; until
 * then only networks and its tests use them, so they live here.
 */

export const MunicipalityParams = z.strictObject({ municipalityCode: MunicipalityCode });
export const MunicipalityBody = z.strictObject({ name: typedText({ max: 200, lines: 'several' }) });
export const DistrictBody = z.strictObject({
  municipalityCode: MunicipalityCode,
  name: typedText({ max: 200, lines: 'several' }),
});
export const NeighbourhoodBody = z.strictObject({
  districtCode: DistrictCode,
  name: typedText({ max: 200, lines: 'several' }),
  active: z.boolean().default(true),
});

export const AreasResponse = z.object({
  municipality: z.object({ code: MunicipalityCode, name: z.string() }),
  districts: z.array(z.object({ code: DistrictCode, name: z.string() })),
  neighbourhoods: z.array(
    z.object({ code: NeighbourhoodCode, districtCode: DistrictCode, name: z.string(), active: z.boolean() }),
  ),
});

export const TeamBody = z.strictObject({
  municipalityCode: MunicipalityCode,
  name: typedText({ max: 200, lines: 'several' }),
  specialisms: z.array(TeamSpecialism).max(10).default([]),
  neighbourhoodCodes: z.array(NeighbourhoodCode).max(1000).default([]),
  capacity: z.number().int().min(0).max(100_000),
  active: z.boolean().default(true),
  contact: typedText({ max: 500, lines: 'several' }).optional(),
  webhookUrl: z.url({ protocol: /^https$/ }).optional(),
});
export type TeamBody = z.infer<typeof TeamBody>;

export const TeamResponse = z.object({
  id: z.uuid(),
  municipalityCode: MunicipalityCode,
  name: z.string(),
  specialisms: z.array(TeamSpecialism),
  neighbourhoodCodes: z.array(NeighbourhoodCode),
  capacity: z.number().int(),
  openAssignments: z.number().int(),
  active: z.boolean(),
  contact: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  revision: z.number().int(),
});

export const DisabledRule = z.object({ municipalityCode: MunicipalityCode, ruleId: z.string(), reason: z.string() });
export const TeamSaved = z.object({
  team: TeamResponse,
  /** Rules switched off because the team is inactive: the coordinator must act on them. */
  disabledRules: z.array(DisabledRule),
});

export const RuleMatch = z.strictObject({
  itemKinds: z.array(SignalKind).max(20).optional(),
  concernCodes: z.array(ConcernCode).max(20).optional(),
  districtCodes: z.array(DistrictCode).max(500).optional(),
  neighbourhoodCodes: z.array(NeighbourhoodCode).max(5000).optional(),
  ageBands: z.array(AgeBand).max(10).optional(),
  urgencies: z.array(Urgency).max(3).optional(),
  amountBands: z.array(AmountBand).max(4).optional(),
});

export const Rule = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _; at most 64'),
  enabled: z.boolean().default(true),
  match: RuleMatch,
  teamId: z.uuid(),
  informTeamIds: z.array(z.uuid()).max(20).default([]),
  deadlineWorkingDays: z.number().int().min(0).max(100),
  deadlineMinutes: z
    .number()
    .int()
    .min(1)
    .max(MAX_DEADLINE_MINUTES)
    .optional()
    .describe(
      'A deadline in minutes (at most a week: 10080) instead of working days, e.g. 120 for two hours: the referral ' +
        'expires that long after the routing, weekends included, and escalates at three times it. For same-day ' +
        'work and for trying expiry on a staging system. `deadlineWorkingDays` still counts for a transfer or the ' +
        "coordinator's assignment of the item.",
    ),
});
export const RuleList = z.strictObject({ rules: z.array(Rule).max(20_000) });
export const RuleListResponse = z.object({
  rules: z.array(
    Rule.extend({
      disabledReason: z.string().nullable().describe('Why the rule is switched off, when it is.'),
    }),
  ),
});

export const SimulateRequest = z.strictObject({
  postcode: Postcode,
  houseNumber: z.number().int().min(1).max(99999),
  kind: SignalKind,
  urgency: Urgency.default('regular'),
  concernCodes: z.array(ConcernCode).max(10).optional(),
  ageBand: AgeBand.optional(),
  amountBand: AmountBand.optional(),
  excludedTeamIds: z.array(z.uuid()).max(100).default([]),
});

const PassedOver = z.object({
  ruleId: z.string(),
  teamId: z.uuid(),
  reason: z.enum(['at_capacity', 'excluded', 'inactive', 'unknown_team']),
});

export const SimulateResponse = z.object({
  outcome: z.enum(['decided', 'failed']),
  neighbourhoodCode: NeighbourhoodCode.nullable(),
  teamId: z.uuid().nullable(),
  ruleId: z.string().nullable(),
  informTeamIds: z.array(z.uuid()),
  deadline: z.iso.date().nullable(),
  escalation: z.iso.date().nullable(),
  reason: z.string().nullable(),
  passedOver: z.array(PassedOver),
  explanation: z.string(),
});

/** The queue of items no municipality could be found for (unmapped address, sender in none or several). */
export const UNASSIGNED_QUEUE = 'unassigned';

export const QueueQuery = z.strictObject({
  municipality: z
    .union([MunicipalityCode, z.literal(UNASSIGNED_QUEUE)])
    .optional()
    .describe(
      'Required for admins; a coordinator sees its own. `unassigned` (admins only): items no municipality ' +
        "could be found for (the address is not on the map and the sender's registration names no single municipality).",
    ),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().describe('The `next` of the previous page.'),
});
export const QueueResponse = z.object({
  next: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page.'),
  items: z.array(
    z.object({
      id: z.uuid(),
      municipalityCode: MunicipalityCode.nullable(),
      item: RoutedItem,
      referralId: z.uuid().nullable().describe('The referral an escalation or a refused transfer is about.'),
      reason: z
        .string()
        .describe(
          'A RoutingFailed reason, or `escalated` (not accepted by the escalation date; the team still has it), ' +
            '`transfer_refused` or `too_many_attempts`.',
        ),
      explanation: z.string(),
      queuedAt: z.iso.datetime({ offset: true }),
    }),
  ),
});

export const ImportResponse = z.object({ rows: z.number().int() });

export const MapQuery = z.strictObject({
  municipality: MunicipalityCode.optional().describe('A coordinator reads its own; an admin without it the whole map.'),
  limit: z.coerce.number().int().min(1).max(5_000).default(1_000),
  cursor: z.string().max(200).optional().describe('The `next` of the previous page.'),
});
export const MapResponse = z.object({
  next: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page.'),
  items: z.array(
    z.object({
      postcode: z.string().describe('PC6 (`9901AB`) or PC4 (`9901`, the fallback)'),
      houseNumberFrom: z.number().int(),
      houseNumberTo: z.number().int(),
      neighbourhoodCode: NeighbourhoodCode,
      municipalityCode: MunicipalityCode,
    }),
  ),
});

export const PartnerParams = z.strictObject({
  partnerId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._:-]+$/, "the `org` claim of the partner's tokens: letters, digits, . _ : -"),
});

export const PartnerBody = z
  .strictObject({
    kind: PartnerKind,
    oin: z
      .string()
      .regex(/^\d{20}$/, 'an OIN is 20 digits')
      .optional()
      .describe('Organisatie-identificatienummer, for government bodies and organisations on Digikoppeling.'),
    kvk: z
      .string()
      .regex(/^\d{8}$/, 'a KvK number is 8 digits')
      .optional()
      .describe('Kamer van Koophandel number.'),
    municipalityCodes: z.array(MunicipalityCode).min(1).max(400),
    signalKinds: z.array(SignalKind).max(20).default([]),
    active: z.boolean().default(true),
  })
  // The same rule for the document's readers, which a refinement does not show.
  .meta({ oneOf: [{ required: ['oin'] }, { required: ['kvk'] }] })
  .superRefine((partner, context) => {
    if ((partner.oin === undefined) === (partner.kvk === undefined)) {
      context.addIssue({
        code: 'custom',
        path: partner.oin === undefined ? ['oin'] : ['kvk'],
        message: 'give exactly one register number: `oin` or `kvk`',
      });
    }
  });
export type PartnerBody = z.infer<typeof PartnerBody>;

export const PartnerListQuery = z.strictObject({
  municipality: MunicipalityCode.optional().describe('Required for admins; a coordinator sees its own.'),
});

export const PartnerResponse = z.object({
  partnerId: z.string(),
  kind: PartnerKind,
  oin: z.string().nullable(),
  kvk: z.string().nullable(),
  municipalityCodes: z.array(MunicipalityCode),
  signalKinds: z.array(SignalKind),
  active: z.boolean(),
  revision: z.number().int(),
});
export const PartnerListResponse = z.object({ partners: z.array(PartnerResponse) });

export const QueueEntryParams = z.strictObject({ entryId: z.uuid() });
export const AssignBody = z.strictObject({ teamId: z.uuid() });
export const AssignResponse = z.object({ decisionId: z.uuid() });

export const HolidayYearParams = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });
const PublicHoliday = z.strictObject({
  date: z.iso.date(),
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[^\p{Cc}]+$/u, 'no control characters'),
});
export const PublicHolidaysBody = z.strictObject({
  holidays: z.array(PublicHoliday).max(40).describe('Every day off of the year, in any order; each date in the year.'),
});
export const PublicHolidaysResponse = z.object({
  year: z.number().int(),
  source: z.enum(['configured', 'default']).describe('`default`: no list was set, the built-in Dutch one counts.'),
  holidays: z.array(z.object({ date: z.iso.date(), name: z.string() })),
});

import type { ClosingResult } from '@vangnet/contracts/codes';
import type { SignalRequest, SignalRequestType, SignalStatus } from '@vangnet/contracts/http/signals';
import type { OrganisationKind } from '@vangnet/contracts/organisations';
import type { AmountBand } from '@vangnet/contracts/signals';
import { DomainError, type InvalidField } from '@vangnet/platform/problem';
import {
  convenantWindowFailure,
  feedbackStatus,
  householdKey,
  isDebtType,
  isRepeat,
  isUnderThreshold,
  personKey,
  rentPreconditionFailures,
} from './rules.ts';

export interface Partner {
  id: string;
  kind: OrganisationKind;
}

export interface IntakeSettings {
  /** The municipality's threshold: arrears under it are closed `unjustified`. */
  thresholdCents: number;
}

export interface AcceptedSignal {
  id: string;
  partnerId: string;
  partnerKind: OrganisationKind;
  reference: string;
  type: SignalRequestType;
  status: 'open' | 'closed';
  closingResult: ClosingResult | null;
  feedbackStatus: SignalStatus;
  caseId: string | null;
  householdKey: string;
  /** First given name, family name and birth date when all three are known (see personKey). */
  personKey: string | null;
  postcode: string;
  houseNumber: number;
  houseNumberAddition: string | null;
  subjectGivenName: string | null;
  subjectFamilyName: string | null;
  subjectDateOfBirth: string | null;
  subjectPhone: string | null;
  subjectEmail: string | null;
  arrearsCents: number | null;
  arrearsSince: string | null;
  crisis: boolean;
  crisisKind: 'disconnection' | 'eviction' | null;
  crisisPlannedOn: string | null;
  preconditions: SignalRequest['preconditions'] | null;
  absenceHours: number | null;
  absenceFrom: string | null;
  absenceTo: string | null;
  receivedAt: Date;
  closedAt: Date | null;
}

/** What intake found about the household before deciding (read under the household's lock). */
export interface HouseholdState {
  /** The partner's last signal of this type for this household within the matching period. */
  previousFromPartner: { arrearsCents: number | null } | null;
  /**
   * The open case whose last signal lies within the matching period, of the
   * household or else of the same person at another address.
   */
  openCaseId: string | null;
}

export type CaseChange = { kind: 'opened'; caseId: string } | { kind: 'added'; caseId: string } | null;

/** Which signal types each kind of partner may send: its own creditor type only. */
const allowedTypes: Partial<Record<OrganisationKind, readonly SignalRequestType[]>> = {
  landlord: ['rent'],
  energy: ['energy'],
  water: ['water'],
  // CAK has no organisation kind of its own yet; it signs as a health insurer (see docs/architecture.md).
  health_insurer: ['health_insurance', 'cak'],
  school: ['school_absence'],
};

/** Which announced crisis each type can carry. */
const crisisKinds: Partial<Record<SignalRequestType, 'disconnection' | 'eviction'>> = {
  rent: 'eviction',
  energy: 'disconnection',
  water: 'disconnection',
};

const BAND_LIMITS: [maxCents: number, band: AmountBand][] = [
  [500_00, 'under_500'],
  [2_000_00, '500_to_2000'],
  [5_000_00, '2000_to_5000'],
];

/** Coarse enough to route on, too coarse to recognise a household by. */
export function amountBand(cents: number): AmountBand {
  for (const [max, band] of BAND_LIMITS) if (cents < max) return band;
  return 'over_5000';
}

const toCents = (euros: number) => Math.round(euros * 100);
const field = (pointer: string, code: string, detail: string): InvalidField => ({ in: 'body', pointer, code, detail });

/** Parts a type needs or must not carry, and dates that cannot lie ahead. */
function shapeFailures(request: SignalRequest, today: string): InvalidField[] {
  const failures: InvalidField[] = [];
  const debt = isDebtType(request.type);
  if (debt && !request.arrears) failures.push(field('/arrears', 'required', `required for ${request.type} signals`));
  if (!debt && request.arrears) failures.push(field('/arrears', 'not_allowed', 'only debt signals carry arrears'));
  if (request.type === 'rent' && !request.preconditions) {
    failures.push(field('/preconditions', 'required', 'a rent signal records the landlord preconditions'));
  }
  if (request.type !== 'rent' && request.preconditions) {
    failures.push(field('/preconditions', 'not_allowed', 'only rent signals carry landlord preconditions'));
  }
  if (request.type === 'school_absence' && !request.absence) {
    failures.push(field('/absence', 'required', 'a school signal records the absence'));
  }
  if (request.type !== 'school_absence' && request.absence) {
    failures.push(field('/absence', 'not_allowed', 'only school signals carry absence'));
  }
  if (request.crisis && crisisKinds[request.type] !== request.crisis.kind) {
    const allowed = crisisKinds[request.type];
    failures.push(
      field(
        '/crisis/kind',
        'not_allowed',
        allowed ? `a ${request.type} crisis is a ${allowed}` : `${request.type} signals carry no crisis`,
      ),
    );
  }
  const notAhead = (value: string | undefined, pointer: string) => {
    if (value !== undefined && value > today) failures.push(field(pointer, 'in_future', `must be ${today} or earlier`));
  };
  notAhead(request.arrears?.since, '/arrears/since');
  notAhead(request.subject?.dateOfBirth, '/subject/dateOfBirth');
  notAhead(request.absence?.to, '/absence/to');
  if (request.absence && request.absence.from > request.absence.to) {
    failures.push(field('/absence/from', 'after_end', 'the absence period must start before it ends'));
  }
  return failures;
}

/**
 * Checks a partner's signal against the intake rules, without the household
 * (so a batch can refuse an item before touching the database). Throws a
 * DomainError naming every failing field.
 */
export function validateSignal(partner: Partner, request: SignalRequest, now: Date): void {
  if (!allowedTypes[partner.kind]?.includes(request.type)) {
    throw new DomainError('SIGNAL_TYPE_NOT_ALLOWED', `a ${partner.kind} partner cannot send ${request.type} signals`);
  }
  const today = now.toISOString().slice(0, 10);
  const shape = shapeFailures(request, today);
  if (shape.length > 0) throw new DomainError('SIGNAL_INVALID', 'the signal is incomplete or inconsistent', shape);
  if (request.preconditions?.tenantObjected) {
    throw new DomainError(
      'SIGNAL_TENANT_OBJECTED',
      'the tenant objected to sharing their details with the municipality',
      [field('/preconditions/tenantObjected', 'tenant_objected', 'a tenant objection blocks the signal')],
    );
  }
  if (request.preconditions) {
    const failures = rentPreconditionFailures(request.preconditions, today);
    if (failures.length > 0) {
      throw new DomainError(
        'SIGNAL_PRECONDITIONS_NOT_MET',
        'the landlord preconditions (a)-(d) are not all met',
        failures,
      );
    }
  }
  if (request.arrears) {
    const failure = convenantWindowFailure(request.type, request.arrears.since, today, request.crisis !== undefined);
    if (failure) throw new DomainError('SIGNAL_OUTSIDE_CONVENANT_WINDOW', failure.detail, [failure]);
  }
}

/**
 * Decides what becomes of a valid signal, given its household. Pure: the
 * caller supplies new ids, the clock and the household state read under the
 * household's lock, and stores what comes back.
 *
 * A crisis signal passes the threshold and the repeat rule as it passes the
 * windows: an announced disconnection or eviction must reach a team even
 * when the amount is small or unchanged.
 */
export function decideReceiveSignal(command: {
  partner: Partner;
  request: SignalRequest;
  signalId: string;
  newCaseId: string;
  household: HouseholdState;
  settings: IntakeSettings;
  now: Date;
}): { signal: AcceptedSignal; caseChange: CaseChange } {
  const { partner, request, now, household, settings } = command;
  validateSignal(partner, request, now);
  const crisis = request.crisis !== undefined;
  const arrearsCents = request.arrears ? toCents(request.arrears.amount) : null;

  let closingResult: ClosingResult | null = null;
  if (arrearsCents !== null && !crisis) {
    if (isUnderThreshold(arrearsCents, settings.thresholdCents)) closingResult = 'unjustified';
    else if (isRepeat(arrearsCents, household.previousFromPartner)) closingResult = 'repeat';
  }
  const caseChange: CaseChange =
    closingResult !== null
      ? null
      : household.openCaseId
        ? { kind: 'added', caseId: household.openCaseId }
        : { kind: 'opened', caseId: command.newCaseId };

  const signal: AcceptedSignal = {
    id: command.signalId,
    partnerId: partner.id,
    partnerKind: partner.kind,
    reference: request.reference,
    type: request.type,
    status: closingResult ? 'closed' : 'open',
    closingResult,
    feedbackStatus: feedbackStatus(closingResult),
    caseId: caseChange?.caseId ?? null,
    householdKey: householdKey(request.address),
    personKey: personKey(request.subject),
    postcode: request.address.postcode,
    houseNumber: request.address.houseNumber,
    houseNumberAddition: request.address.houseNumberAddition ?? null,
    subjectGivenName: request.subject?.givenName ?? null,
    subjectFamilyName: request.subject?.familyName ?? null,
    subjectDateOfBirth: request.subject?.dateOfBirth ?? null,
    subjectPhone: request.subject?.phone ?? null,
    subjectEmail: request.subject?.email ?? null,
    arrearsCents,
    arrearsSince: request.arrears?.since ?? null,
    crisis,
    crisisKind: request.crisis?.kind ?? null,
    crisisPlannedOn: request.crisis?.plannedOn ?? null,
    preconditions: request.preconditions ?? null,
    absenceHours: request.absence?.hours ?? null,
    absenceFrom: request.absence?.from ?? null,
    absenceTo: request.absence?.to ?? null,
    receivedAt: now,
    closedAt: closingResult ? now : null,
  };
  return { signal, caseChange };
}

import type { ClosingResult, DeclineReason } from '@vangnet/contracts/codes';
import { DomainError } from '@vangnet/platform/problem';

/**
 * The lifecycle of one team's referral, as one table: which action is
 * allowed in which status and where it leads. Everything that changes a
 * referral's status goes through `transition`, so the table is the whole
 * truth (and its tests cover every cell).
 *
 *   routed ── accept ──> accepted ── record_contact ──> in_progress ── close ──> closed
 *     │                     │ └──────────── close ──────────────────────┘
 *     ├─ decline(reason) ─> declined
 *     ├─ expire ──────────> expired
 *     └─ transfer ────────> transferred   (also from accepted and in_progress)
 *
 * Closing straight from `accepted` is allowed only with a result that needs
 * no contact (`resultsWithoutContact`): DDAS results such as
 * `referred_without_contact`, `repeat` or `known_to_debt_help` end a referral
 * before anyone was contacted. A referral is one team's assignment: after a
 * decline, an expiry or a transfer the item lives on in a new referral.
 */
export const referralStatuses = [
  'routed',
  'accepted',
  'in_progress',
  'declined',
  'expired',
  'transferred',
  'closed',
] as const;
export type ReferralStatus = (typeof referralStatuses)[number];

export const referralActions = ['accept', 'decline', 'expire', 'transfer', 'record_contact', 'close'] as const;
export type ReferralAction = (typeof referralActions)[number];

/** Who may trigger an action: a person of the team (or the coordinator), or the deadline timer. */
const byTimer: ReadonlySet<ReferralAction> = new Set(['expire']);

export const transitions: Readonly<Record<ReferralStatus, Partial<Record<ReferralAction, ReferralStatus>>>> = {
  routed: { accept: 'accepted', decline: 'declined', expire: 'expired', transfer: 'transferred' },
  accepted: { record_contact: 'in_progress', close: 'closed', transfer: 'transferred' },
  in_progress: { record_contact: 'in_progress', close: 'closed', transfer: 'transferred' },
  declined: {},
  expired: {},
  transferred: {},
  closed: {},
};

/** Statuses in which the team holds the referral (and so may see the person's details). */
export const activeStatuses: readonly ReferralStatus[] = ['routed', 'accepted', 'in_progress'];
export const isActive = (status: ReferralStatus) => activeStatuses.includes(status);

/** The actions a caller could take now (the timer's own action is not one to offer). */
export const allowedActions = (status: ReferralStatus): ReferralAction[] =>
  referralActions.filter((action) => transitions[status][action] && !byTimer.has(action));

/** A refused transition, naming the status and what is allowed from it (409 with `allowedActions`). */
export class TransitionNotAllowed extends DomainError {
  readonly status: ReferralStatus;
  readonly action: ReferralAction;
  readonly allowed: ReferralAction[];
  constructor(status: ReferralStatus, action: ReferralAction) {
    const allowed = allowedActions(status);
    super(
      'REFERRAL_TRANSITION_NOT_ALLOWED',
      `cannot ${action.replace('_', ' ')} a referral that is ${status.replace('_', ' ')}; ` +
        (allowed.length ? `allowed now: ${allowed.join(', ')}` : 'nothing more can be done with it'),
    );
    this.status = status;
    this.action = action;
    this.allowed = allowed;
  }
}

/** What an action carries; only decline and close need more than the action itself. */
export type Command =
  | { action: 'accept' }
  | { action: 'decline'; reason: DeclineReason }
  | { action: 'expire' }
  | { action: 'transfer' }
  | { action: 'record_contact' }
  | { action: 'close'; result: ClosingResult };

/**
 * The DDAS results that end a referral before anyone was contacted (shared/
 * DOMAIN.md). The others say something about contact with the person
 * (`quick_fix` and `follow_up_*` imply it, `no_contact_final` means every
 * attempt failed), so they need at least one recorded contact attempt.
 */
export const resultsWithoutContact: readonly ClosingResult[] = [
  'referred_without_contact',
  'repeat',
  'unjustified',
  'known_to_debt_help',
  'other_trajectory',
  'deceased',
  'not_resident',
  'other_reason',
];

/** The next status for `command`, or TransitionNotAllowed (or CLOSING_RESULT_NEEDS_CONTACT). */
export function transition(status: ReferralStatus, command: Command): ReferralStatus {
  const next = transitions[status][command.action];
  if (!next) throw new TransitionNotAllowed(status, command.action);
  // `accepted` is the only closable status without a contact attempt (the first one makes it in_progress).
  if (command.action === 'close' && status === 'accepted' && !resultsWithoutContact.includes(command.result)) {
    const detail = `no contact attempt is recorded; without one the result is one of ${resultsWithoutContact.join(', ')}`;
    throw new DomainError('CLOSING_RESULT_NEEDS_CONTACT', `${command.result} needs a recorded contact attempt`, [
      { in: 'body', pointer: '/result', code: 'needs_contact', detail },
    ]);
  }
  return next;
}

export const isReferralStatus = (value: string): value is ReferralStatus =>
  (referralStatuses as readonly string[]).includes(value);

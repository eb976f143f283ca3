import { randomUUID } from 'node:crypto';
import type { ClosingResult, ContactChannel, DeclineReason, PartOfDay } from '@vangnet/contracts/codes';
import { DomainError } from '@vangnet/platform/problem';
import { amsterdamDate } from '@vangnet/platform/working-days';
import { type ReferralStatus, transition } from './state-machine.ts';

/** The part of a referral row the lifecycle decides on. */
export interface ReferralState {
  id: string;
  teamId: string;
  itemKind: 'signal' | 'case' | 'referral_request';
  itemId: string;
  status: ReferralStatus;
  deadline: string;
  escalatesOn: string;
  escalatedAt: Date | null;
  firstContactAt: Date | null;
}

/** Who acts: a team member, the municipality's coordinator, or the deadline timer. */
export interface Actor {
  kind: 'team' | 'coordinator' | 'timer';
  id: string;
  client?: string;
}

export type ActionRequest =
  | { action: 'accept' }
  | { action: 'decline'; reason: DeclineReason }
  | { action: 'expire' }
  | { action: 'escalate' }
  | {
      action: 'transfer';
      toTeamId: string;
      toTeam: TransferTarget | null;
      fromTeam: TransferTarget | null;
      /** Every team that had a referral for the item before (the router excludes them too). */
      teamsThatHadItem?: string[];
    }
  | {
      action: 'record_contact';
      attempt: { channel: ContactChannel; date: string; partOfDay: PartOfDay; reached: boolean };
    }
  | { action: 'close'; result: ClosingResult; notes?: string };

/** What referrals knows of a team from networks' TeamChanged. */
export interface TransferTarget {
  id: string;
  municipalityCode: string;
  active: boolean;
}

/** The integration event a decision emits, as plain data for src/integration/referral-events.ts. */
export type LifecycleEvent =
  | { type: 'accepted'; acceptedAt: string }
  | { type: 'declined'; reason: DeclineReason; declinedAt: string }
  | { type: 'expired'; deadline: string; expiredAt: string }
  | { type: 'escalated'; deadline: string; escalatesOn: string; escalatedAt: string }
  | {
      type: 'transferred';
      newReferralId: string;
      toTeamId: string;
      transferredBy: 'team' | 'coordinator';
      transferredAt: string;
    }
  | {
      type: 'contact_attempted';
      contactAttemptId: string;
      channel: ContactChannel;
      date: string;
      partOfDay: PartOfDay;
      reached: boolean;
      recordedAt: string;
    }
  | { type: 'closed'; result: ClosingResult; closedAt: string };

export interface Decision {
  /** Columns of the referral row to change. */
  update: {
    status: ReferralStatus;
    acceptedAt?: Date;
    firstContactAt?: Date;
    endedAt?: Date;
    declineReason?: DeclineReason;
    closingResult?: ClosingResult;
    closingNotes?: string | null;
    escalatedAt?: Date;
    transferredToTeamId?: string;
    transferredToReferralId?: string;
    updatedAt: Date;
  };
  history: { action: string; fromStatus: ReferralStatus; toStatus: ReferralStatus; code: string | null };
  event: LifecycleEvent;
}

/**
 * Decides one action on one referral: the state machine says whether it is
 * allowed, this adds the rules that need more than the status (a contact
 * attempt cannot be dated in the future, a transfer needs an active team in
 * the same municipality that did not have the item before, escalation happens once) and says what changes and
 * which event goes out. Pure: the clock and new ids come in.
 */
export function decideAction(
  referral: ReferralState,
  request: ActionRequest,
  actor: Actor,
  now: Date,
  newId: () => string = randomUUID,
): Decision {
  const at = now.toISOString();
  if (request.action === 'escalate') {
    // Not a status change: the referral stays with its team while the coordinator steps in.
    if (referral.status !== 'routed' || referral.escalatedAt) {
      throw new DomainError('REFERRAL_NOT_ESCALATABLE', 'only a routed referral is escalated, and only once');
    }
    return {
      update: { status: 'routed', escalatedAt: now, updatedAt: now },
      history: { action: 'escalate', fromStatus: 'routed', toStatus: 'routed', code: null },
      event: { type: 'escalated', deadline: referral.deadline, escalatesOn: referral.escalatesOn, escalatedAt: at },
    };
  }
  const command =
    request.action === 'decline'
      ? { action: request.action, reason: request.reason }
      : request.action === 'close'
        ? { action: request.action, result: request.result }
        : { action: request.action };
  const next = transition(referral.status, command);
  const history = { action: request.action, fromStatus: referral.status, toStatus: next, code: null as string | null };
  switch (request.action) {
    case 'accept':
      return {
        update: { status: next, acceptedAt: now, updatedAt: now },
        history,
        event: { type: 'accepted', acceptedAt: at },
      };
    case 'decline':
      return {
        update: { status: next, declineReason: request.reason, endedAt: now, updatedAt: now },
        history: { ...history, code: request.reason },
        event: { type: 'declined', reason: request.reason, declinedAt: at },
      };
    case 'expire':
      return {
        update: { status: next, endedAt: now, updatedAt: now },
        history,
        event: { type: 'expired', deadline: referral.deadline, expiredAt: at },
      };
    case 'transfer': {
      checkTransferTarget(referral, request, actor);
      const newReferralId = newId();
      return {
        update: {
          status: next,
          endedAt: now,
          transferredToTeamId: request.toTeamId,
          transferredToReferralId: newReferralId,
          updatedAt: now,
        },
        history,
        event: {
          type: 'transferred',
          newReferralId,
          toTeamId: request.toTeamId,
          transferredBy: actor.kind === 'coordinator' ? 'coordinator' : 'team',
          transferredAt: at,
        },
      };
    }
    case 'record_contact': {
      const { attempt } = request;
      if (attempt.date > amsterdamDate(now)) {
        throw new DomainError('CONTACT_DATE_IN_FUTURE', 'a contact attempt is recorded after it happened', [
          { in: 'body', pointer: '/date', code: 'in_future', detail: `must be on or before ${amsterdamDate(now)}` },
        ]);
      }
      return {
        update: { status: next, ...(referral.firstContactAt ? {} : { firstContactAt: now }), updatedAt: now },
        history: { ...history, code: attempt.channel },
        event: { type: 'contact_attempted', contactAttemptId: newId(), ...attempt, recordedAt: at },
      };
    }
    case 'close':
      return {
        update: {
          status: next,
          closingResult: request.result,
          closingNotes: request.notes ?? null,
          endedAt: now,
          updatedAt: now,
        },
        history: { ...history, code: request.result },
        event: { type: 'closed', result: request.result, closedAt: at },
      };
  }
}

function checkTransferTarget(
  referral: ReferralState,
  request: Extract<ActionRequest, { action: 'transfer' }>,
  actor: Actor,
): void {
  const refuse = (code: string, detail: string) =>
    new DomainError(code, detail, [{ in: 'body', pointer: '/toTeamId', code: code.toLowerCase(), detail }]);
  if (request.toTeamId === referral.teamId)
    throw refuse('TRANSFER_TO_SAME_TEAM', 'the referral is already with this team');
  // The router refuses such a transfer and hands the item to the coordinator: say so now, not after a 200.
  if (request.teamsThatHadItem?.includes(request.toTeamId)) {
    throw refuse('TRANSFER_TEAM_HAD_ITEM', 'this team already had the item; the coordinator can assign it');
  }
  if (!request.toTeam?.active) {
    throw refuse('TRANSFER_TEAM_UNKNOWN', 'no active team with this id is known');
  }
  // The team's own municipality when known; a coordinator's token names it.
  const municipality = request.fromTeam?.municipalityCode;
  if (municipality && request.toTeam.municipalityCode !== municipality) {
    throw refuse('TRANSFER_OTHER_MUNICIPALITY', 'a referral can only move to a team in the same municipality');
  }
  if (actor.kind === 'timer') throw new Error('the timer never transfers');
}

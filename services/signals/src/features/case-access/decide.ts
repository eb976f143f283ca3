/**
 * Which team may see a household case's subject: the one holding an active
 * referral of it (routed, accepted or in progress). Built from two topics
 * that Kafka does not order against each other (routing decisions and
 * referral events), so each change carries the time of its event and the
 * later one wins, whichever arrives first: a decline that overtakes its
 * routing decision is not undone by it.
 */
export interface AccessChange {
  caseId: string;
  teamId: string;
  active: boolean;
  asOf: Date;
}

export interface AccessState {
  active: boolean;
  asOf: Date;
}

/** Whether `change` replaces `current`. On equal times the end wins: access is refused when in doubt. */
export function supersedes(current: AccessState | null, change: AccessChange): boolean {
  if (!current) return true;
  const now = current.asOf.getTime();
  const next = change.asOf.getTime();
  return next > now || (next === now && !change.active && current.active);
}

/** A routing of a case to a team opens its access; other routed items are not signals'. */
export function accessFromRouting(decision: {
  item: { kind: string; id: string };
  teamId: string;
  decidedAt: string;
}): AccessChange | null {
  if (decision.item.kind !== 'case') return null;
  return { caseId: decision.item.id, teamId: decision.teamId, active: true, asOf: new Date(decision.decidedAt) };
}

/** A referral that was declined, expired, transferred away or closed ends its team's access. */
export function accessEnded(event: { item: { kind: string; id: string }; teamId: string }, at: string) {
  if (event.item.kind !== 'case') return null;
  return { caseId: event.item.id, teamId: event.teamId, active: false, asOf: new Date(at) };
}

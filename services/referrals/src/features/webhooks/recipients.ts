import type { RoutedItem } from '@vangnet/contracts/networks';

/**
 * The events a subscription can receive, by name (the CloudEvents type
 * without domain and version). A subscription may narrow to some of them.
 */
export const webhookEventNames = [
  'RoutingDecided',
  'RoutingFailed',
  'ReferralAccepted',
  'ReferralDeclined',
  'ContactAttempted',
  'ReferralClosed',
  'ReferralExpired',
  'ReferralTransferred',
  'ReferralEscalated',
  'GpReferralStatusChanged',
] as const;
export type WebhookEventName = (typeof webhookEventNames)[number];

/**
 * The events each kind of owner can receive. A GP practice receives only
 * the purpose-limited GpReferralStatusChanged, never a team's own events
 * (which team declined and why, routing explanations, contact attempts);
 * a team never receives that one.
 */
export function eventNamesFor(kind: 'team' | 'gp'): readonly WebhookEventName[] {
  return kind === 'gp'
    ? ['GpReferralStatusChanged']
    : webhookEventNames.filter((name) => name !== 'GpReferralStatusChanged');
}

/** The thin fields the mapping reads; every delivered event carries `item`. */
export interface ConcernedData {
  item: RoutedItem;
  teamId?: string;
  informTeamIds?: string[];
  toTeamId?: string;
}

export interface Recipients {
  /** Teams whose own subscriptions receive the event, without repeats. */
  teamIds: string[];
  /** Set when the item is a GP request: its practice may hear of it, as a GpReferralStatusChanged only. */
  referralRequestId: string | undefined;
}

/**
 * Who an event concerns. A routing decision concerns the chosen team and
 * every team it informs; a referral event the team holding the referral, and
 * a transfer also the team it goes to. Every event about a GP referral
 * request may change what the practice that made it sees (the closed
 * loop): the practice gets the status change, never the event itself. A
 * RoutingFailed concerns no team: it waits for the coordinator, who has no
 * webhook.
 */
export function recipientsOf(name: WebhookEventName, data: ConcernedData): Recipients {
  const teams: string[] = [];
  if (name === 'RoutingDecided') teams.push(data.teamId ?? '', ...(data.informTeamIds ?? []));
  else if (name !== 'RoutingFailed') teams.push(data.teamId ?? '');
  if (name === 'ReferralTransferred' && data.toTeamId) teams.push(data.toTeamId);
  return {
    teamIds: [...new Set(teams.filter(Boolean))],
    referralRequestId: data.item.kind === 'referral_request' ? data.item.id : undefined,
  };
}

import type { Urgency } from '@vangnet/contracts/codes';
import type { ReferralSummary } from '@vangnet/contracts/http/referrals';
import { html } from '../html.ts';
import { formatDate, labelOf, signalKindLabels, statusLabels, urgencyLabels } from '../labels.ts';
import { heading1, optionsOf, paragraph, select } from '../layout.ts';

const urgencyRank: Record<Urgency, number> = { crisis: 0, urgent: 1, regular: 2 };
const activeStatuses = new Set(['routed', 'accepted', 'in_progress']);

/** Crisis first, then urgent, then the rest; within each, the nearest deadline first. */
export function inboxOrder(referrals: readonly ReferralSummary[]): ReferralSummary[] {
  return [...referrals].sort(
    (a, b) =>
      urgencyRank[a.urgency ?? 'regular'] - urgencyRank[b.urgency ?? 'regular'] ||
      a.deadline.localeCompare(b.deadline) ||
      a.createdAt.localeCompare(b.createdAt),
  );
}

/** Past the accept-by date and still not accepted: the referral is about to expire or be re-routed. */
export const isOverdue = (referral: ReferralSummary, today: string) =>
  referral.status === 'routed' && referral.deadline < today;

export interface InboxFilters {
  status?: string;
  urgency?: string;
  neighbourhood?: string;
}

export function badges(referral: ReferralSummary, today: string) {
  return html`${
    isOverdue(referral, today)
      ? html`<span class="utrecht-badge-status ws-badge ws-badge--overdue">Te laat</span> `
      : ''
  }${referral.escalated ? html`<span class="utrecht-badge-status ws-badge ws-badge--escalated">Geëscaleerd</span> ` : ''}${
    referral.urgency === 'crisis'
      ? html`<span class="utrecht-badge-status ws-badge ws-badge--crisis">Crisis</span>`
      : ''
  }`;
}

const itemLabel = (referral: ReferralSummary) =>
  referral.item.kind === 'referral_request'
    ? signalKindLabels.gp_referral
    : referral.item.kind === 'case'
      ? 'Vroegsignaalzaak'
      : 'Signaal';

export function inboxPage(input: {
  teamName: string;
  teamId: string;
  referrals: readonly ReferralSummary[];
  filters: InboxFilters;
  neighbourhoods: readonly { code: string; name: string }[];
  today: string;
  /** The coordinator reads a team's inbox; only the team itself acts on it. */
  readOnly: boolean;
}) {
  const neighbourhoodName = (code: string | undefined) =>
    code ? (input.neighbourhoods.find((entry) => entry.code === code)?.name ?? code) : 'Onbekend';
  const rows = inboxOrder(input.referrals).map(
    (referral) => html`<tr class="utrecht-table__row">
<td class="utrecht-table__cell"><a class="utrecht-link utrecht-link--html-a" href="/referrals/${referral.id}${
      input.readOnly ? `?team=${input.teamId}` : ''
    }">${itemLabel(referral)}</a></td>
<td class="utrecht-table__cell">${labelOf(urgencyLabels, referral.urgency ?? 'regular')}</td>
<td class="utrecht-table__cell">${neighbourhoodName(referral.neighbourhoodCode)}</td>
<td class="utrecht-table__cell">${formatDate(referral.deadline)}</td>
<td class="utrecht-table__cell">${labelOf(statusLabels, referral.status)}</td>
<td class="utrecht-table__cell">${badges(referral, input.today)}</td>
</tr>`,
  );
  const statusOptions = [
    { value: 'open', label: 'Open (nieuw, geaccepteerd, in behandeling)' },
    ...optionsOf(statusLabels),
  ];
  return html`${heading1(`Inbox ${input.teamName}`)}
${paragraph('Verwijzingen en vroegsignaalzaken van het team. Crisis staat bovenaan, daarna de dichtstbijzijnde termijn.')}
<form method="get" action="/inbox" class="ws-filters" aria-label="Filters">
${input.readOnly ? html`<input type="hidden" name="team" value="${input.teamId}">` : ''}
${select('status', 'Status', statusOptions, input.filters.status ?? 'open')}
${select('urgency', 'Urgentie', optionsOf(urgencyLabels), input.filters.urgency, { empty: 'Alle' })}
${select(
  'neighbourhood',
  'Buurt',
  input.neighbourhoods.map((entry) => ({ value: entry.code, label: entry.name })),
  input.filters.neighbourhood,
  { empty: 'Alle' },
)}
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Filter toepassen</button>
</form>
${
  rows.length === 0
    ? paragraph('Geen verwijzingen die aan deze filters voldoen.')
    : html`<table class="utrecht-table ws-table">
<caption class="utrecht-table__caption">${rows.length} ${rows.length === 1 ? 'verwijzing' : 'verwijzingen'}</caption>
<thead class="utrecht-table__header"><tr class="utrecht-table__row">
<th scope="col" class="utrecht-table__header-cell">Soort</th>
<th scope="col" class="utrecht-table__header-cell">Urgentie</th>
<th scope="col" class="utrecht-table__header-cell">Buurt</th>
<th scope="col" class="utrecht-table__header-cell">Termijn</th>
<th scope="col" class="utrecht-table__header-cell">Status</th>
<th scope="col" class="utrecht-table__header-cell">Signalering</th>
</tr></thead>
<tbody class="utrecht-table__body">${rows}</tbody></table>`
}`;
}

/** The service's status filter for the inbox's own "open" shorthand. */
export const statusQuery = (status: string | undefined) =>
  !status || status === 'open' ? [...activeStatuses].join(',') : status;

import { html } from '../html.ts';
import { formatDateTime, queueReasonLabel } from '../labels.ts';
import { csrfField, heading1, heading2, paragraph, select } from '../layout.ts';
import type { Session } from '../session.ts';

export interface Team {
  id: string;
  name: string;
  capacity: number;
  openAssignments: number;
  active: boolean;
  neighbourhoodCodes: string[];
}

export interface CoordinatorQueueEntry {
  id: string;
  item: { kind: string; id: string };
  referralId: string | null;
  reason: string;
  explanation: string;
  queuedAt: string;
}

const itemLabel = (kind: string) =>
  kind === 'referral_request' ? 'Verwijzing huisarts' : kind === 'case' ? 'Vroegsignaalzaak' : 'Signaal';

export function coordinatorPage(input: {
  session: Session;
  queue: readonly CoordinatorQueueEntry[];
  teams: readonly Team[];
}) {
  const active = input.teams.filter((team) => team.active);
  const teamOptions = active.map((team) => ({
    value: team.id,
    label: `${team.name} (${team.openAssignments} van ${team.capacity})`,
  }));
  const entries = input.queue.map(
    (entry, index) => html`<li class="ws-queue__entry">
<h3 class="utrecht-heading-3">${itemLabel(entry.item.kind)}: ${queueReasonLabel(entry.reason)}</h3>
<p class="utrecht-paragraph">In de wachtrij sinds ${formatDateTime(entry.queuedAt)}.</p>
<p class="utrecht-paragraph" lang="en">${entry.explanation}</p>
<div class="ws-queue__actions">
${
  entry.reason === 'escalated'
    ? paragraph('Het team heeft dit item nog; geef het door via de inbox van het team of markeer het als afgehandeld.')
    : html`<form method="post" action="/coordinator/queue/${entry.id}/assign" class="ws-action">${csrfField(input.session)}
${select('teamId', 'Toewijzen aan team', teamOptions, undefined, { id: `toewijzen-${index}`, required: true, empty: 'Kies een team' })}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Toewijzen</button></form>`
}
<form method="post" action="/coordinator/queue/${entry.id}/resolve" class="ws-action">${csrfField(input.session)}
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Afgehandeld buiten Vangnet</button></form>
</div></li>`,
  );
  const teams = input.teams.map(
    (team) => html`<tr class="utrecht-table__row">
<th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link utrecht-link--html-a" href="/inbox?team=${team.id}">${team.name}</a></th>
<td class="utrecht-table__cell ws-number">${team.openAssignments}</td>
<td class="utrecht-table__cell ws-number">${team.capacity}</td>
<td class="utrecht-table__cell"><meter class="ws-meter" min="0" max="${Math.max(team.capacity, 1)}" low="${Math.floor(team.capacity * 0.75)}" high="${Math.max(team.capacity - 1, 0)}" optimum="0" value="${Math.min(team.openAssignments, Math.max(team.capacity, 1))}" aria-label="Bezetting ${team.name}">${team.openAssignments} van ${team.capacity}</meter>
${team.openAssignments >= team.capacity ? html` <span class="utrecht-badge-status ws-badge ws-badge--overdue">Vol</span>` : ''}${
  team.active ? '' : html` <span class="utrecht-badge-status ws-badge">Inactief</span>`
}</td></tr>`,
  );
  return html`${heading1('Coördinatie')}
${heading2('Wachtrij van de gemeente', 'wachtrij')}
${
  entries.length === 0
    ? paragraph('De wachtrij is leeg.')
    : html`<p class="utrecht-paragraph">${entries.length} ${entries.length === 1 ? 'item wacht' : 'items wachten'} op een beslissing, oudste eerst.</p><ol class="ws-queue">${entries}</ol>`
}
${heading2('Teams en capaciteit', 'capaciteit')}
<table class="utrecht-table ws-table"><caption class="utrecht-table__caption">Open toewijzingen tegenover capaciteit</caption>
<thead class="utrecht-table__header"><tr class="utrecht-table__row"><th scope="col" class="utrecht-table__header-cell">Team</th><th scope="col" class="utrecht-table__header-cell">Open</th><th scope="col" class="utrecht-table__header-cell">Capaciteit</th><th scope="col" class="utrecht-table__header-cell">Bezetting</th></tr></thead>
<tbody class="utrecht-table__body">${teams}</tbody></table>`;
}

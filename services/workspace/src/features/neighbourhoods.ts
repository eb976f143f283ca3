import { html, raw } from '../html.ts';
import { labelOf, signalKindLabels } from '../labels.ts';
import { heading1, heading2, paragraph } from '../layout.ts';
import type { Team } from './coordinator.ts';

export interface RoutingCounts {
  neighbourhoods: { code: string; name: string }[];
  rows: { neighbourhoodCode: string | null; signalKind: string; count: number }[];
}

export interface ReferralCounts {
  neighbourhoods: { neighbourhoodCode: string | null; items: number; reached: number; openNow: number }[];
  teams: { teamId: string; openNow: number }[];
}

export interface ChartData {
  neighbourhoods: string[];
  signals: { label: string; data: number[] }[];
  reach: number[];
  teams: string[];
  open: number[];
  capacity: number[];
}

/** The three charts' series from the services' counts; pure, so the numbers can be tested without a browser. */
export function chartData(routing: RoutingCounts, referrals: ReferralCounts, teams: readonly Team[]): ChartData {
  const unknown = { code: '', name: 'Onbekende buurt' };
  const known = [...routing.neighbourhoods];
  const hasUnknown =
    routing.rows.some((row) => row.neighbourhoodCode === null) ||
    referrals.neighbourhoods.some((row) => row.neighbourhoodCode === null);
  const areas = hasUnknown ? [...known, unknown] : known;
  const keyOf = (code: string | null) => code ?? '';
  const kinds = [...new Set(routing.rows.map((row) => row.signalKind))].sort();
  return {
    neighbourhoods: areas.map((area) => area.name),
    signals: kinds.map((kind) => ({
      label: labelOf(signalKindLabels, kind),
      data: areas.map(
        (area) =>
          routing.rows.find((row) => row.signalKind === kind && keyOf(row.neighbourhoodCode) === area.code)?.count ?? 0,
      ),
    })),
    reach: areas.map((area) => {
      const row = referrals.neighbourhoods.find((entry) => keyOf(entry.neighbourhoodCode) === area.code);
      return row && row.items > 0 ? Math.round((row.reached / row.items) * 100) : 0;
    }),
    teams: teams.map((team) => team.name),
    open: teams.map((team) => referrals.teams.find((entry) => entry.teamId === team.id)?.openNow ?? 0),
    capacity: teams.map((team) => team.capacity),
  };
}

const table = (caption: string, headers: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
  html`<table class="utrecht-table ws-table"><caption class="utrecht-table__caption">${caption}</caption>
<thead class="utrecht-table__header"><tr class="utrecht-table__row">${headers.map(
    (header) => html`<th scope="col" class="utrecht-table__header-cell">${header}</th>`,
  )}</tr></thead>
<tbody class="utrecht-table__body">${rows.map(
    (row) =>
      html`<tr class="utrecht-table__row">${row.map((cell, index) =>
        index === 0
          ? html`<th scope="row" class="utrecht-table__header-cell">${cell}</th>`
          : html`<td class="utrecht-table__cell ws-number">${cell}</td>`,
      )}</tr>`,
  )}</tbody></table>`;

export function neighbourhoodsPage(input: { month: string; data: ChartData }) {
  const { data } = input;
  // JSON inside <script type="application/json">: "<" is escaped so no value can close the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return html`${heading1('Buurten')}
${paragraph('Per buurt en maand: nieuwe zaken per signaaltype, bereik en open zaken tegenover de capaciteit van de teams. Alleen aantallen, geen personen.')}
<form method="get" action="/buurten" class="ws-filters">
<div class="utrecht-form-field"><label class="utrecht-form-label" for="maand">Maand</label>
<input class="utrecht-textbox utrecht-textbox--html-input" type="month" id="maand" name="maand" value="${input.month}" required></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Tonen</button></form>
<script type="application/json" id="chart-data">${raw(json)}</script>
<section aria-labelledby="signalen-per-type">${heading2('Nieuwe zaken per signaaltype', 'signalen-per-type')}
<div class="ws-chart"><canvas id="chart-signals" role="img" aria-label="Staafdiagram: nieuwe zaken per buurt en signaaltype; de cijfers staan in de tabel eronder."></canvas></div>
${table(
  'Nieuwe zaken per buurt en signaaltype (eerste signaal van de zaak)',
  ['Buurt', ...data.signals.map((series) => series.label)],
  data.neighbourhoods.map((name, index) => [name, ...data.signals.map((series) => series.data[index] ?? 0)]),
)}</section>
<section aria-labelledby="bereik">${heading2('Bereik', 'bereik')}
<div class="ws-chart"><canvas id="chart-reach" role="img" aria-label="Staafdiagram: percentage zaken met een eerste contactpoging per buurt; de cijfers staan in de tabel eronder."></canvas></div>
${table(
  'Aandeel zaken van deze maand met een eerste contactpoging',
  ['Buurt', 'Bereik (%)'],
  data.neighbourhoods.map((name, index) => [name, data.reach[index] ?? 0]),
)}</section>
<section aria-labelledby="open-capaciteit">${heading2('Open zaken tegenover capaciteit', 'open-capaciteit')}
<div class="ws-chart"><canvas id="chart-capacity" role="img" aria-label="Staafdiagram: open zaken en capaciteit per team; de cijfers staan in de tabel eronder."></canvas></div>
${table(
  'Open zaken en capaciteit per team (nu)',
  ['Team', 'Open zaken', 'Capaciteit'],
  data.teams.map((name, index) => [name, data.open[index] ?? 0, data.capacity[index] ?? 0]),
)}</section>`;
}

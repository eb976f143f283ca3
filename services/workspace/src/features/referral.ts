import type { GpReferralSubject, ReferralDetail } from '@vangnet/contracts/http/referrals';
import type { z } from 'zod';
import { html, type Raw } from '../html.ts';
import {
  actorLabel,
  channelLabels,
  closingResultLabels,
  concernLabels,
  declineReasonLabels,
  formatDate,
  formatDateTime,
  formatEuro,
  historyActionLabel,
  labelOf,
  partnerKindLabel,
  partOfDayLabels,
  signalKindLabels,
  statusLabels,
  urgencyLabels,
} from '../labels.ts';
import { csrfField, heading1, heading2, optionsOf, paragraph, select } from '../layout.ts';
import type { Session } from '../session.ts';
import { badges } from './inbox.ts';

type Referral = z.infer<typeof ReferralDetail>;
type GpSubject = z.infer<typeof GpReferralSubject>;

interface Address {
  postcode: string;
  houseNumber: number;
  houseNumberAddition?: string;
}

/** signals' GET /v1/cases/{caseId}/subject. */
export interface CaseSubject {
  caseId: string;
  status: 'open' | 'closed';
  address: Address;
  signals: {
    signalId: string;
    type: string;
    partnerKind: string;
    receivedAt: string;
    address: Address;
    subject: { givenName?: string; familyName?: string; dateOfBirth?: string; phone?: string; email?: string };
    arrears?: { amount: number; since: string };
    crisis?: { kind: string; plannedOn?: string };
    absence?: { hours: number; from: string; to: string };
  }[];
}

export type Subject = { kind: 'case'; data: CaseSubject } | { kind: 'gp'; data: GpSubject } | { kind: 'none' };

const addressText = (address: Address) =>
  `${address.postcode.replace(/^(\d{4})([A-Z]{2})$/, '$1 $2')}, huisnummer ${address.houseNumber}${
    address.houseNumberAddition ? ` ${address.houseNumberAddition}` : ''
  }`;

const dataList = (entries: readonly [string, string | Raw | undefined][]) =>
  html`<dl class="utrecht-data-list ws-data-list">${entries
    .filter(([, value]) => value !== undefined && value !== '')
    .map(
      ([key, value]) =>
        html`<div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">${key}</dt><dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">${value}</dd></div>`,
    )}</dl>`;

function caseSubject(subject: CaseSubject) {
  const person = subject.signals.find((signal) => signal.subject.familyName)?.subject;
  const rows = subject.signals.map(
    (signal) => html`<tr class="utrecht-table__row">
<td class="utrecht-table__cell">${labelOf(signalKindLabels, signal.type)}</td>
<td class="utrecht-table__cell">${partnerKindLabel(signal.partnerKind)}</td>
<td class="utrecht-table__cell">${formatDateTime(signal.receivedAt)}</td>
<td class="utrecht-table__cell ws-number">${signal.arrears ? formatEuro(signal.arrears.amount) : '–'}</td>
<td class="utrecht-table__cell">${signal.arrears ? formatDate(signal.arrears.since) : '–'}</td>
<td class="utrecht-table__cell">${
      signal.crisis
        ? `Ja (${signal.crisis.kind === 'eviction' ? 'huisuitzetting' : signal.crisis.kind === 'disconnection' ? 'afsluiting' : signal.crisis.kind}${
            signal.crisis.plannedOn ? ` op ${formatDate(signal.crisis.plannedOn)}` : ''
          })`
        : 'Nee'
    }</td>
</tr>`,
  );
  const total = subject.signals.reduce((sum, signal) => sum + (signal.arrears?.amount ?? 0), 0);
  return html`${heading2('Huishouden', 'huishouden')}
${dataList([
  ['Naam', person ? [person.givenName, person.familyName].filter(Boolean).join(' ') : undefined],
  ['Geboortedatum', person?.dateOfBirth ? formatDate(person.dateOfBirth) : undefined],
  ['Adres', addressText(subject.address)],
  ['Telefoon', person?.phone],
  ['E-mail', person?.email],
  ['Totale achterstand', total > 0 ? formatEuro(total) : undefined],
])}
${heading2('Signalen in de zaak', 'signalen')}
<table class="utrecht-table ws-table">
<caption class="utrecht-table__caption">${subject.signals.length} ${subject.signals.length === 1 ? 'signaal' : 'signalen'}</caption>
<thead class="utrecht-table__header"><tr class="utrecht-table__row">
<th scope="col" class="utrecht-table__header-cell">Soort</th>
<th scope="col" class="utrecht-table__header-cell">Afzender</th>
<th scope="col" class="utrecht-table__header-cell">Ontvangen</th>
<th scope="col" class="utrecht-table__header-cell">Bedrag</th>
<th scope="col" class="utrecht-table__header-cell">Achterstand sinds</th>
<th scope="col" class="utrecht-table__header-cell">Crisis</th>
</tr></thead><tbody class="utrecht-table__body">${rows}</tbody></table>`;
}

function gpSubject(subject: GpSubject) {
  return html`${heading2('Patiënt', 'huishouden')}
${dataList([
  ['Naam', `${subject.patient.givenName} ${subject.patient.familyName}`],
  ['Geboortedatum', formatDate(subject.patient.dateOfBirth)],
  ['Adres', addressText(subject.patient.address)],
  ['Telefoon', subject.patient.phone],
  ['E-mail', subject.patient.email],
  ['Hulpvraag', subject.concern.codes.map((code) => labelOf(concernLabels, code)).join(', ')],
  ['Toelichting huisarts', subject.concern.note],
  ['Verwijzer', `${subject.referrer.name}, ${subject.referrer.phone}`],
])}`;
}

function actions(referral: Referral, session: Session, teams: readonly { id: string; name: string }[], today: string) {
  const allowed = new Set(referral.allowedActions);
  const base = `/referrals/${referral.id}`;
  const forms: Raw[] = [];
  if (allowed.has('accept')) {
    forms.push(html`<form method="post" action="${base}/accept" class="ws-action">${csrfField(session)}
<button type="submit" class="utrecht-button utrecht-button--primary-action">Accepteren</button></form>`);
  }
  if (allowed.has('decline')) {
    forms.push(html`<form method="post" action="${base}/decline" class="ws-action">${csrfField(session)}
<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset"><legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Afwijzen</legend>
${select('reason', 'Reden', optionsOf(declineReasonLabels), undefined, { id: 'afwijzen-reden', required: true, empty: 'Kies een reden' })}
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Afwijzen</button></fieldset></form>`);
  }
  if (allowed.has('record_contact')) {
    forms.push(html`<form method="post" action="${base}/contact-attempts" class="ws-action">${csrfField(session)}
<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset"><legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Contactpoging vastleggen</legend>
${select('channel', 'Kanaal', optionsOf(channelLabels), undefined, { id: 'contact-kanaal', required: true, empty: 'Kies een kanaal' })}
<div class="utrecht-form-field"><label class="utrecht-form-label" for="contact-datum">Datum</label>
<input class="utrecht-textbox utrecht-textbox--html-input" type="date" id="contact-datum" name="date" value="${today}" max="${today}" required></div>
${select('partOfDay', 'Dagdeel', optionsOf(partOfDayLabels), undefined, { id: 'contact-dagdeel', required: true, empty: 'Kies een dagdeel' })}
<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset"><legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Bereikt?</legend>
<div class="utrecht-form-field utrecht-form-field--radio"><input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="contact-bereikt-ja" name="reached" value="true" required>
<label class="utrecht-form-label utrecht-form-label--radio" for="contact-bereikt-ja">Ja, persoon bereikt</label></div>
<div class="utrecht-form-field utrecht-form-field--radio"><input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="contact-bereikt-nee" name="reached" value="false">
<label class="utrecht-form-label utrecht-form-label--radio" for="contact-bereikt-nee">Nee, niet bereikt</label></div>
</fieldset>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Contactpoging opslaan</button></fieldset></form>`);
  }
  if (allowed.has('close')) {
    forms.push(html`<form method="post" action="${base}/close" class="ws-action">${csrfField(session)}
<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset"><legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Afsluiten</legend>
${select('result', 'Resultaat (DDAS)', optionsOf(closingResultLabels), undefined, { id: 'afsluiten-resultaat', required: true, empty: 'Kies een resultaat' })}
<div class="utrecht-form-field"><label class="utrecht-form-label" for="afsluiten-notities">Notities van het team (optioneel)</label>
<textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="afsluiten-notities" name="notes" maxlength="2000" rows="3"></textarea></div>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Afsluiten</button></fieldset></form>`);
  }
  if (allowed.has('transfer') && teams.length > 0) {
    forms.push(html`<form method="post" action="${base}/transfer" class="ws-action">${csrfField(session)}
<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset"><legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Overdragen aan een ander team</legend>
${select(
  'toTeamId',
  'Team',
  teams.map((team) => ({ value: team.id, label: team.name })),
  undefined,
  { id: 'overdragen-team', required: true, empty: 'Kies een team' },
)}
<button type="submit" class="utrecht-button utrecht-button--secondary-action">Overdragen</button></fieldset></form>`);
  }
  return forms.length === 0
    ? paragraph('Geen acties mogelijk in deze status.')
    : html`<div class="ws-actions">${forms}</div>`;
}

export function referralPage(input: {
  referral: Referral;
  subject: Subject;
  session: Session;
  teams: readonly { id: string; name: string }[];
  today: string;
  readOnly: boolean;
}) {
  const { referral } = input;
  const title = referral.item.kind === 'referral_request' ? 'Verwijzing huisarts' : 'Vroegsignaalzaak';
  const history = referral.history.map(
    (entry) => html`<tr class="utrecht-table__row">
<td class="utrecht-table__cell">${formatDateTime(entry.at)}</td>
<td class="utrecht-table__cell">${historyActionLabel(entry.action)}</td>
<td class="utrecht-table__cell">${labelOf(statusLabels, entry.toStatus)}</td>
<td class="utrecht-table__cell">${entry.code ? labelOf({ ...declineReasonLabels, ...closingResultLabels }, entry.code) : ''}</td>
<td class="utrecht-table__cell">${actorLabel(entry.actorKind)}</td></tr>`,
  );
  const attempts = referral.contactAttempts.map(
    (attempt) => html`<tr class="utrecht-table__row">
<td class="utrecht-table__cell">${formatDate(attempt.date)}</td>
<td class="utrecht-table__cell">${labelOf(partOfDayLabels, attempt.partOfDay)}</td>
<td class="utrecht-table__cell">${labelOf(channelLabels, attempt.channel)}</td>
<td class="utrecht-table__cell">${attempt.reached ? 'Ja' : 'Nee'}</td></tr>`,
  );
  const subject =
    input.subject.kind === 'case'
      ? caseSubject(input.subject.data)
      : input.subject.kind === 'gp'
        ? gpSubject(input.subject.data)
        : html`${heading2('Persoonsgegevens', 'huishouden')}${paragraph(
            'De persoonsgegevens zijn (nog) niet beschikbaar: ze zijn alleen te zien zolang het team de verwijzing heeft.',
          )}`;
  return html`<p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/inbox${
    input.readOnly ? `?team=${referral.teamId}` : ''
  }">Terug naar de inbox</a></p>
${heading1(title)}
<p class="utrecht-paragraph">${badges(referral, input.today)}</p>
${dataList([
  ['Status', labelOf(statusLabels, referral.status)],
  ['Urgentie', labelOf(urgencyLabels, referral.urgency ?? 'regular')],
  ['Termijn (accepteren vóór)', formatDate(referral.deadline)],
  ['Escalatie op', formatDate(referral.escalatesOn)],
  ['Ontvangen', formatDateTime(referral.createdAt)],
  ['Resultaat', referral.result ? labelOf(closingResultLabels, referral.result) : undefined],
  ['Notities', referral.closingNotes],
])}
${input.readOnly ? '' : html`${heading2('Acties', 'acties')}${actions(referral, input.session, input.teams, input.today)}`}
${subject}
${heading2('Waarom dit team', 'routering')}
<p class="utrecht-paragraph" lang="en">${referral.explanation}</p>
${heading2('Contactpogingen', 'contactpogingen')}
${
  attempts.length === 0
    ? paragraph('Nog geen contactpogingen.')
    : html`<table class="utrecht-table ws-table"><caption class="utrecht-table__caption">Contactpogingen</caption>
<thead class="utrecht-table__header"><tr class="utrecht-table__row"><th scope="col" class="utrecht-table__header-cell">Datum</th><th scope="col" class="utrecht-table__header-cell">Dagdeel</th><th scope="col" class="utrecht-table__header-cell">Kanaal</th><th scope="col" class="utrecht-table__header-cell">Bereikt</th></tr></thead>
<tbody class="utrecht-table__body">${attempts}</tbody></table>`
}
${heading2('Geschiedenis', 'geschiedenis')}
<table class="utrecht-table ws-table"><caption class="utrecht-table__caption">Geschiedenis</caption>
<thead class="utrecht-table__header"><tr class="utrecht-table__row"><th scope="col" class="utrecht-table__header-cell">Moment</th><th scope="col" class="utrecht-table__header-cell">Gebeurtenis</th><th scope="col" class="utrecht-table__header-cell">Nieuwe status</th><th scope="col" class="utrecht-table__header-cell">Code (reden, resultaat of regel)</th><th scope="col" class="utrecht-table__header-cell">Door</th></tr></thead>
<tbody class="utrecht-table__body">${history}</tbody></table>`;
}

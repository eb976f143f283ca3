import { html, type Raw } from './html.ts';
import type { Session } from './session.ts';

export interface PageOptions {
  title: string;
  session?: Session | undefined;
  /** Which navigation item is the current page. */
  current?: 'inbox' | 'coordinator' | 'neighbourhoods';
  scripts?: readonly string[];
}

const navItem = (href: string, label: string, current: boolean) =>
  html`<li class="ws-nav__item"><a class="utrecht-link utrecht-link--html-a" href="${href}"${
    current ? html` aria-current="page"` : ''
  }>${label}</a></li>`;

function navigation(session: Session, current: PageOptions['current']) {
  const items =
    session.user.kind === 'coordinator'
      ? [
          navItem('/coordinator', 'Coördinatie', current === 'coordinator'),
          navItem('/buurten', 'Buurten', current === 'neighbourhoods'),
        ]
      : [navItem('/inbox', 'Inbox', current === 'inbox')];
  return html`<nav aria-label="Hoofdmenu" class="ws-nav"><ul class="ws-nav__list">${items}</ul>
<form method="post" action="/logout" class="ws-nav__logout"><input type="hidden" name="_csrf" value="${session.csrf}">
<span class="utrecht-paragraph ws-nav__user">${session.user.name}</span>
<button type="submit" class="utrecht-button utrecht-button--subtle">Uitloggen</button></form></nav>`;
}

/** The page shell: NL Design System (Utrecht components, the example theme), Dutch, one h1 per page. */
export function page(options: PageOptions, content: Raw): string {
  const flash = options.session?.flash;
  if (options.session) delete options.session.flash;
  return html`<!doctype html>
<html lang="nl" class="voorbeeld-theme utrecht-document">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} – Vangnet werkplek</title>
<link rel="stylesheet" href="/assets/theme.css">
<link rel="stylesheet" href="/assets/utrecht.css">
<link rel="stylesheet" href="/assets/workspace.css">
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body class="utrecht-page-body">
<a class="ws-skip-link utrecht-link utrecht-link--html-a" href="#inhoud">Naar de inhoud</a>
<header class="ws-header">
<p class="ws-header__brand"><a class="utrecht-link utrecht-link--html-a" href="/">Vangnet werkplek</a></p>
${options.session ? navigation(options.session, options.current) : ''}
</header>
<main id="inhoud" class="ws-main">
${
  flash
    ? html`<div class="utrecht-alert utrecht-alert--${flash.kind === 'ok' ? 'ok' : 'error'}" role="${
        flash.kind === 'ok' ? 'status' : 'alert'
      }"><p class="utrecht-paragraph">${flash.text}</p></div>`
    : ''
}
${content}
</main>
<footer class="ws-footer"><p class="utrecht-paragraph">Vangnet – vroegsignalering en verwijzing voor de sociale basis.</p></footer>
</body>
</html>`.value;
}

export const heading1 = (text: string) => html`<h1 class="utrecht-heading-1">${text}</h1>`;
export const heading2 = (text: string, id?: string) =>
  html`<h2 class="utrecht-heading-2"${id ? html` id="${id}"` : ''}>${text}</h2>`;
export const paragraph = (text: string | Raw) => html`<p class="utrecht-paragraph">${text}</p>`;

export function select(
  name: string,
  label: string,
  options: readonly { value: string; label: string }[],
  selected?: string,
  extra: { id?: string; required?: boolean; empty?: string } = {},
) {
  const id = extra.id ?? `veld-${name}`;
  return html`<div class="utrecht-form-field"><label class="utrecht-form-label" for="${id}">${label}</label>
<select class="utrecht-select utrecht-select--html-select" id="${id}" name="${name}"${extra.required ? html` required` : ''}>
${extra.empty === undefined ? '' : html`<option value="">${extra.empty}</option>`}
${options.map(
  (option) =>
    html`<option value="${option.value}"${option.value === selected ? html` selected` : ''}>${option.label}</option>`,
)}
</select></div>`;
}

export const csrfField = (session: Session) => html`<input type="hidden" name="_csrf" value="${session.csrf}">`;

export const optionsOf = (labels: Record<string, string>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }));

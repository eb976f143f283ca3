import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import {
  CloseRequest,
  ContactAttemptRequest,
  DeclineRequest,
  type GpReferralSubject,
  type ReferralDetail,
  type ReferralSummary,
  TransferRequest,
} from '@vangnet/contracts/http/referrals';
import { calendarMonthPattern } from '@vangnet/platform/months';
import { amsterdamDate } from '@vangnet/platform/working-days';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { WorkspaceConfig } from './config.ts';
import { type CoordinatorQueueEntry, coordinatorPage, type Team } from './features/coordinator.ts';
import { type InboxFilters, inboxPage, statusQuery } from './features/inbox.ts';
import { chartData, neighbourhoodsPage, type ReferralCounts, type RoutingCounts } from './features/neighbourhoods.ts';
import { type CaseSubject, referralPage, type Subject } from './features/referral.ts';
import { html } from './html.ts';
import { heading1, page, paragraph } from './layout.ts';
import { OidcClient } from './oidc.ts';
import { ServiceError, Services } from './services.ts';
import { csrfMatches, type Session, SessionStore } from './session.ts';

const SESSION_COOKIE = 'vangnet_session';
const LOGIN_COOKIE = 'vangnet_login';
const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.join(here, '..');

/** Stylesheets and scripts, read once: the design system's CSS, the theme, Chart.js and our own. */
function loadAssets() {
  const modules = path.join(packageDir, 'node_modules');
  const file = (...parts: string[]) => readFileSync(path.join(...parts));
  return new Map<string, { type: string; body: Buffer }>([
    ['utrecht.css', { type: 'text/css', body: file(modules, '@utrecht/component-library-css/dist/index.css') }],
    [
      'theme.css',
      { type: 'text/css', body: file(modules, '@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css') },
    ],
    ['chart.umd.min.js', { type: 'text/javascript', body: file(modules, 'chart.js/dist/chart.umd.min.js') }],
    ['workspace.css', { type: 'text/css', body: file(packageDir, 'public/workspace.css') }],
    ['charts.js', { type: 'text/javascript', body: file(packageDir, 'public/charts.js') }],
  ]);
}

/** Today in Amsterdam: deadlines are Dutch calendar days. */
const amsterdamDay = amsterdamDate;

const actionErrors: Record<string, string> = {
  REFERRAL_TRANSITION_NOT_ALLOWED: 'Deze actie kan niet in de huidige status van de verwijzing.',
  CLOSING_RESULT_NEEDS_CONTACT:
    'Dit resultaat vraagt om ten minste één contactpoging. Leg eerst een contactpoging vast.',
  TRANSFER_TEAM_HAD_ITEM: 'Dit team had dit item al. Alleen de coördinator kan het aan dat team teruggeven.',
  VALIDATION_FAILED: 'Niet alle velden zijn goed ingevuld. Controleer de gegevens en probeer het opnieuw.',
  QUEUE_ENTRY_NOT_FOUND: 'Dit item staat niet (meer) in de wachtrij.',
};
const actionError = (error: unknown) =>
  error instanceof ServiceError
    ? (actionErrors[error.code ?? ''] ?? `De actie is niet gelukt (${error.code ?? error.status}).`)
    : 'De actie is niet gelukt door een storing. Probeer het later opnieuw.';

export async function buildApp(config: WorkspaceConfig, logger: FastifyBaseLogger, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const app = Fastify({ loggerInstance: logger, bodyLimit: 32 * 1024, trustProxy: false });
  const sessions = new SessionStore(config.SESSION_IDLE_MINUTES);
  const oidc = new OidcClient(config);
  const services = new Services(config);
  const assets = loadAssets();
  const publicOrigin = new URL(config.PUBLIC_URL).origin;
  const cookieOptions = { httpOnly: true, secure: config.COOKIE_SECURE, sameSite: 'lax' as const, path: '/' };

  await app.register(cookie);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.addHook('onSend', async (_request, reply) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    reply.header('x-content-type-options', 'nosniff');
    // same-origin, not no-referrer: under no-referrer Chrome sends `Origin: null` on form posts, which the CSRF check refuses.
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  const sessionOf = (request: FastifyRequest) => sessions.get(request.cookies[SESSION_COOKIE]);
  const sendPage = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(body);
  const notFound = (reply: FastifyReply, session?: Session) =>
    sendPage(
      reply,
      page(
        { title: 'Niet gevonden', session },
        html`${heading1('Niet gevonden')}${paragraph(
          'Deze pagina bestaat niet of is niet voor uw team. Ga terug naar de inbox.',
        )}`,
      ),
      404,
    );

  /** The logged-in session, or a redirect to the login that returns to this page afterwards. */
  async function requireSession(request: FastifyRequest, reply: FastifyReply) {
    const session = sessionOf(request);
    if (session) return session;
    reply.redirect(`/login?returnTo=${encodeURIComponent(request.url)}`, 303);
    return undefined;
  }

  /**
   * Runs a page or action against the services; maps what they answer to
   * what a person can do about it: 401 logs in again, 403/404 is "not
   * found" (another team's referral does not exist for this user).
   */
  async function guarded(request: FastifyRequest, reply: FastifyReply, session: Session, work: () => Promise<unknown>) {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ServiceError && error.status === 401) {
        sessions.destroy(session.id);
        return reply.redirect(`/login?returnTo=${encodeURIComponent(request.url)}`, 303);
      }
      if (error instanceof ServiceError && (error.status === 404 || error.status === 403)) {
        return notFound(reply, session);
      }
      request.log.error({ err: error }, 'a service call failed');
      return sendPage(
        reply,
        page(
          { title: 'Storing', session },
          html`${heading1('Er ging iets mis')}${paragraph('Een onderdeel van Vangnet antwoordt niet. Probeer het later opnieuw.')}`,
        ),
        502,
      );
    }
  }

  // Every state change is a POST carrying the session's CSRF token, from our own origin.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const session = sessionOf(request);
    const origin = request.headers.origin;
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!session || (origin !== undefined && origin !== publicOrigin) || !csrfMatches(session, body._csrf)) {
      return reply.code(403).type('text/plain; charset=utf-8').send('Verzoek geweigerd (CSRF-controle).');
    }
  });

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.code(404).send();
    return reply.header('cache-control', 'public, max-age=3600').type(`${asset.type}; charset=utf-8`).send(asset.body);
  });

  app.get('/', async (request, reply) => {
    const session = sessionOf(request);
    if (session) return reply.redirect(session.user.kind === 'coordinator' ? '/coordinator' : '/inbox', 303);
    return sendPage(
      reply,
      page(
        { title: 'Welkom' },
        html`${heading1('Vangnet werkplek')}
${paragraph('De werkplek voor buurtteams en coördinatoren: verwijzingen en vroegsignalen oppakken, contact vastleggen en afsluiten.')}
<p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href="/login">Inloggen</a></p>`,
      ),
    );
  });

  app.get<{ Querystring: { returnTo?: string } }>('/login', async (request, reply) => {
    const wanted = request.query.returnTo ?? '/';
    // Only a path of our own: an open redirect would hand the session to someone else's page.
    const returnTo = wanted.startsWith('/') && !wanted.startsWith('//') ? wanted : '/';
    let authorization: Awaited<ReturnType<OidcClient['authorizationUrl']>>;
    try {
      authorization = await oidc.authorizationUrl();
    } catch (error) {
      request.log.error({ err: error }, 'the OpenID provider cannot be reached');
      return sendPage(
        reply,
        page(
          { title: 'Inloggen niet mogelijk' },
          html`${heading1('Inloggen is nu niet mogelijk')}${paragraph('De inlogdienst antwoordt niet. Probeer het over enkele minuten opnieuw.')}`,
        ),
        503,
      );
    }
    const { url, codeVerifier, state, nonce } = authorization;
    const login = sessions.startLogin({ codeVerifier, state, nonce, returnTo });
    reply.setCookie(LOGIN_COOKIE, login.id, { ...cookieOptions, path: '/auth', maxAge: 600 });
    return reply.redirect(url.toString(), 303);
  });

  app.get('/auth/callback', async (request, reply) => {
    const login = sessions.takeLogin(request.cookies[LOGIN_COOKIE]);
    reply.clearCookie(LOGIN_COOKIE, { ...cookieOptions, path: '/auth' });
    if (!login) return reply.redirect('/login', 303);
    try {
      const { user, accessToken, expiresIn } = await oidc.complete(new URL(request.url, config.PUBLIC_URL), login);
      sessions.destroy(request.cookies[SESSION_COOKIE]);
      const session = sessions.create(user, accessToken, expiresIn);
      reply.setCookie(SESSION_COOKIE, session.id, cookieOptions);
      request.log.info({ kind: user.kind }, 'logged in');
      return reply.redirect(login.returnTo === '/' ? '/' : login.returnTo, 303);
    } catch (error) {
      request.log.warn({ err: error }, 'login failed');
      return sendPage(
        reply,
        page(
          { title: 'Inloggen mislukt' },
          html`${heading1('Inloggen mislukt')}${paragraph('Het inloggen is niet gelukt.')}<p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" href="/login">Opnieuw inloggen</a></p>`,
        ),
        400,
      );
    }
  });

  app.post('/logout', async (request, reply) => {
    sessions.destroy(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.redirect('/', 303);
  });

  /** The team whose inbox a page shows: a team user's own; a coordinator names one. */
  const teamOf = (session: Session, requested: string | undefined) =>
    session.user.kind === 'team' ? session.user.organisationId : requested;

  const municipalityTeams = async (session: Session) =>
    session.user.municipalityCode
      ? services.call<{ items: Team[]; neighbourhoods: { code: string; name: string }[] }>(
          'networks',
          `/v1/municipalities/${session.user.municipalityCode}/teams`,
          session.accessToken,
        )
      : { items: [], neighbourhoods: [] };

  app.get<{ Querystring: InboxFilters & { team?: string } }>('/inbox', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return;
    const teamId = teamOf(session, request.query.team);
    if (!teamId || !/^[0-9a-f-]{36}$/.test(teamId)) return reply.redirect('/coordinator', 303);
    return guarded(request, reply, session, async () => {
      const filters: InboxFilters = {
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.urgency ? { urgency: request.query.urgency } : {}),
        ...(request.query.neighbourhood ? { neighbourhood: request.query.neighbourhood } : {}),
      };
      const query = new URLSearchParams({ status: statusQuery(filters.status), sort: 'deadline_asc', limit: '200' });
      if (filters.urgency) query.set('urgency', filters.urgency);
      if (filters.neighbourhood) query.set('neighbourhood', filters.neighbourhood);
      const [list, teams] = await Promise.all([
        services.call<{ items: ReferralSummary[] }>(
          'referrals',
          `/v1/teams/${teamId}/referrals?${query}`,
          session.accessToken,
        ),
        municipalityTeams(session),
      ]);
      const team = teams.items.find((entry) => entry.id === teamId);
      return sendPage(
        reply,
        page(
          { title: 'Inbox', session, current: 'inbox' },
          inboxPage({
            teamName: team?.name ?? 'van het team',
            teamId,
            referrals: list.items,
            filters,
            neighbourhoods: teams.neighbourhoods.filter(
              (entry) => !team || team.neighbourhoodCodes.includes(entry.code),
            ),
            today: amsterdamDay(now()),
            readOnly: session.user.kind !== 'team',
          }),
        ),
      );
    });
  });

  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  app.get<{ Params: { id: string }; Querystring: { team?: string } }>('/referrals/:id', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return;
    const teamId = teamOf(session, request.query.team);
    if (!teamId || !uuid.test(teamId) || !uuid.test(request.params.id)) return notFound(reply, session);
    return guarded(request, reply, session, async () => {
      const referral = await services.call<z.infer<typeof ReferralDetail>>(
        'referrals',
        `/v1/teams/${teamId}/referrals/${request.params.id}`,
        session.accessToken,
      );
      // The owning service logs every subject read; only the team itself reads it, never the coordinator's overview.
      let subject: Subject = { kind: 'none' };
      const link = referral.links.subject;
      if (link && session.user.kind === 'team') {
        const service = Services.subjectService(link);
        try {
          const data = await services.call<unknown>(service, link, session.accessToken);
          subject =
            service === 'signals'
              ? { kind: 'case', data: data as CaseSubject }
              : { kind: 'gp', data: data as z.infer<typeof GpReferralSubject> };
        } catch (error) {
          // Signals learns of the team's access from the routing event a moment after referrals does.
          if (!(error instanceof ServiceError && error.status === 404)) throw error;
        }
      }
      const teams = await municipalityTeams(session);
      return sendPage(
        reply,
        page(
          { title: 'Verwijzing', session, current: 'inbox' },
          referralPage({
            referral,
            subject,
            session,
            teams: teams.items.filter((team) => team.active && team.id !== teamId),
            today: amsterdamDay(now()),
            readOnly: session.user.kind !== 'team',
          }),
        ),
      );
    });
  });

  /** A team action: validate the form with the service's own schema, call it, come back with a message. */
  function teamAction<S extends z.ZodType>(
    name: string,
    schema: S | undefined,
    toBody: (form: Record<string, string>) => unknown,
    done: string,
  ) {
    app.post<{ Params: { id: string }; Body: Record<string, string> }>(
      `/referrals/:id/${name}`,
      async (request, reply) => {
        const session = sessionOf(request) as Session;
        if (session.user.kind !== 'team' || !uuid.test(request.params.id)) return notFound(reply, session);
        const back = `/referrals/${request.params.id}`;
        const body = toBody(request.body);
        if (schema && !schema.safeParse(body).success) {
          session.flash = { kind: 'error', text: actionErrors.VALIDATION_FAILED as string };
          return reply.redirect(back, 303);
        }
        try {
          await services.call(
            'referrals',
            `/v1/teams/${session.user.organisationId}/referrals/${request.params.id}/${name}`,
            session.accessToken,
            { method: 'POST', ...(schema ? { body } : {}) },
          );
          session.flash = { kind: 'ok', text: done };
        } catch (error) {
          if (error instanceof ServiceError && (error.status === 401 || error.status === 404 || error.status === 403)) {
            return guarded(request, reply, session, () => Promise.reject(error));
          }
          session.flash = { kind: 'error', text: actionError(error) };
        }
        return reply.redirect(name === 'transfer' && session.flash.kind === 'ok' ? '/inbox' : back, 303);
      },
    );
  }

  teamAction('accept', undefined, () => undefined, 'De verwijzing is geaccepteerd.');
  teamAction(
    'decline',
    DeclineRequest,
    (form) => ({ reason: form.reason }),
    'De verwijzing is afgewezen; de router zoekt een ander team.',
  );
  teamAction('transfer', TransferRequest, (form) => ({ toTeamId: form.toTeamId }), 'De verwijzing wordt overgedragen.');
  teamAction(
    'contact-attempts',
    ContactAttemptRequest,
    (form) => ({
      channel: form.channel,
      date: form.date,
      partOfDay: form.partOfDay,
      reached: form.reached === 'true' ? true : form.reached === 'false' ? false : undefined,
    }),
    'De contactpoging is vastgelegd.',
  );
  teamAction(
    'close',
    CloseRequest,
    (form) => ({ result: form.result, ...(form.notes?.trim() ? { notes: form.notes } : {}) }),
    'De verwijzing is afgesloten.',
  );

  app.get('/coordinator', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return;
    if (session.user.kind !== 'coordinator') return notFound(reply, session);
    return guarded(request, reply, session, async () => {
      const [queue, teams] = await Promise.all([
        services.call<{ items: CoordinatorQueueEntry[] }>(
          'networks',
          `/v1/coordinator-queue?municipality=${session.user.municipalityCode}&limit=100`,
          session.accessToken,
        ),
        municipalityTeams(session),
      ]);
      return sendPage(
        reply,
        page(
          { title: 'Coördinatie', session, current: 'coordinator' },
          coordinatorPage({ session, queue: queue.items, teams: teams.items }),
        ),
      );
    });
  });

  for (const action of ['assign', 'resolve'] as const) {
    app.post<{ Params: { id: string }; Body: Record<string, string> }>(
      `/coordinator/queue/:id/${action}`,
      async (request, reply) => {
        const session = sessionOf(request) as Session;
        if (session.user.kind !== 'coordinator' || !uuid.test(request.params.id)) return notFound(reply, session);
        const teamId = request.body.teamId ?? '';
        if (action === 'assign' && !uuid.test(teamId)) {
          session.flash = { kind: 'error', text: 'Kies een team om aan toe te wijzen.' };
          return reply.redirect('/coordinator', 303);
        }
        try {
          await services.call('networks', `/v1/coordinator-queue/${request.params.id}/${action}`, session.accessToken, {
            method: 'POST',
            ...(action === 'assign' ? { body: { teamId } } : {}),
          });
          session.flash = {
            kind: 'ok',
            text:
              action === 'assign' ? 'Het item is aan het team toegewezen.' : 'Het item is als afgehandeld gemarkeerd.',
          };
        } catch (error) {
          if (error instanceof ServiceError && error.status === 401) {
            return guarded(request, reply, session, () => Promise.reject(error));
          }
          session.flash = { kind: 'error', text: actionError(error) };
        }
        return reply.redirect('/coordinator', 303);
      },
    );
  }

  app.get<{ Querystring: { maand?: string } }>('/buurten', async (request, reply) => {
    const session = await requireSession(request, reply);
    if (!session) return;
    if (session.user.kind !== 'coordinator' || !session.user.municipalityCode) return notFound(reply, session);
    const month = calendarMonthPattern.test(request.query.maand ?? '')
      ? (request.query.maand as string)
      : amsterdamDay(now()).slice(0, 7);
    const code = session.user.municipalityCode;
    return guarded(request, reply, session, async () => {
      const [routing, referrals, teams] = await Promise.all([
        services.call<RoutingCounts>(
          'networks',
          `/v1/municipalities/${code}/routing-counts?month=${month}`,
          session.accessToken,
        ),
        services.call<ReferralCounts>(
          'referrals',
          `/v1/municipalities/${code}/referral-counts?month=${month}`,
          session.accessToken,
        ),
        municipalityTeams(session),
      ]);
      return sendPage(
        reply,
        page(
          {
            title: 'Buurten',
            session,
            current: 'neighbourhoods',
            scripts: ['/assets/chart.umd.min.js', '/assets/charts.js'],
          },
          neighbourhoodsPage({ month, data: chartData(routing, referrals, teams.items) }),
        ),
      );
    });
  });

  app.setNotFoundHandler((request, reply) => notFound(reply, sessionOf(request)));
  // Never fastify's JSON error with its message: a page in Dutch, the cause in the log only.
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const text = status === 413 ? 'Het formulier is te groot.' : 'Het verzoek kon niet worden verwerkt.';
    return sendPage(
      reply,
      page({ title: 'Fout', session: sessionOf(request) }, html`${heading1('Er ging iets mis')}${paragraph(text)}`),
      status >= 400 && status < 600 ? status : 500,
    );
  });

  return app;
}

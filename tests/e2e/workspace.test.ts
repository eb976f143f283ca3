import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { freePort, repoRoot } from '@vangnet/infra/local-stack';
import { type DemoUser, type DevOidcProvider, startDevOidcProvider } from '@vangnet/platform/dev-oidc';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { buildApp as buildWorkspace } from '@vangnet/workspace/app';
import { loadConfig as workspaceConfig } from '@vangnet/workspace/config';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from './fixtures/system.ts';

/**
 * The workspace in a real browser (Debian's chromium through playwright-core)
 * against the real stack: a team member logs in through the OpenID Connect
 * code flow with PKCE, sees a routed signal, accepts it, records contact and
 * closes it; another team's member cannot see it; the coordinator assigns an
 * item from the queue. Every page passes axe with no serious or critical
 * violation. WORKSPACE_SCREENSHOTS=1 writes each page to docs/workspace/.
 */

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = process.env.WORKSPACE_SCREENSHOTS === '1' ? path.join(repoRoot, 'docs', 'workspace') : undefined;

let system: System;
let oidc: DevOidcProvider;
let workspace: Awaited<ReturnType<typeof buildWorkspace>>;
let workspaceUrl: string;
let networksUrl: string;
let browser: Browser;
let teams: Record<'noord' | 'zuid' | 'full', Awaited<ReturnType<System['createTeam']>>>;

const teamUser = (id: string, team: { id: string; name: string }): DemoUser => ({
  id,
  name: `Medewerker ${team.name}`,
  description: team.name,
  organisationId: team.id,
  kind: 'team',
  scopes: ['referrals:read', 'referrals:write', 'networks:read'],
  municipalityCode: 'GM9901',
});

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
  networksUrl = await system.networks.listen({ port: 0, host: '127.0.0.1' });
  teams = {
    noord: await system.createTeam(),
    zuid: await system.createTeam(),
    // A team that can take nothing: its neighbourhood's items wait for the coordinator.
    full: await system.createTeam({ capacity: 0 }),
  };
  const port = await freePort();
  workspaceUrl = `http://localhost:${port}`;
  oidc = await startDevOidcProvider({
    issuer: system.issuer,
    users: [
      teamUser('noord', teams.noord),
      teamUser('zuid', teams.zuid),
      {
        id: 'coordinator',
        name: 'Coördinator Zeedorp',
        description: 'Coördinator gemeente GM9901',
        organisationId: 'gemeente-gm9901',
        kind: 'coordinator',
        scopes: ['networks:admin', 'networks:read', 'referrals:read', 'referrals:write', 'signals:read'],
        municipalityCode: 'GM9901',
      },
    ],
    clients: [{ clientId: 'workspace', clientSecret: 'e2e-secret', redirectUris: [`${workspaceUrl}/auth/callback`] }],
  });
  workspace = await buildWorkspace(
    workspaceConfig({
      NODE_ENV: 'test',
      PUBLIC_URL: workspaceUrl,
      OIDC_ISSUER: oidc.url,
      OIDC_CLIENT_ID: 'workspace',
      OIDC_CLIENT_SECRET: 'e2e-secret',
      OIDC_ALLOW_HTTP: 'true',
      SIGNALS_URL: system.signalsUrl,
      NETWORKS_URL: networksUrl,
      REFERRALS_URL: system.referralsUrl,
    }),
    pino({ level: 'warn' }),
  );
  await workspace.listen({ host: '127.0.0.1', port });
  if (screenshots) await mkdir(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await workspace?.close();
  await oidc?.close();
  await system?.close();
});

async function expectAccessible(page: Page, name: string) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${name}`).toEqual([]);
  if (screenshots) await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

/** Logs in through the development provider's login page as one of its demo users. */
async function logIn(userName: string, screenshotLogin = false) {
  const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${workspaceUrl}/`);
  if (screenshotLogin) await expectAccessible(page, 'welkom');
  await page.getByRole('link', { name: 'Inloggen' }).click();
  await page.getByRole('heading', { name: 'Inloggen bij Vangnet' }).waitFor();
  if (screenshotLogin) await expectAccessible(page, 'inloggen');
  await page.getByRole('button', { name: userName }).click();
  await page.getByRole('button', { name: 'Uitloggen' }).waitFor();
  return page;
}

/** Reloads until the text shows: the page reads the services, which learn of events a moment later. */
async function reloadUntil(page: Page, text: string) {
  await waitFor(`"${text}" on ${page.url()}`, async () => {
    if ((await page.getByText(text).count()) > 0) return true;
    await page.reload();
    return undefined;
  });
}

async function referralIn(teamId: string, caseId: string) {
  return waitFor(`the referral of case ${caseId}`, system.referralFor(teamId, caseId), { timeoutMs: 15_000 });
}

describe('workspace in the browser', () => {
  it('when a team member logs in, then they accept a routed signal, record contact and close it; another team cannot see it', async () => {
    const signal = await system.postSignal(teams.noord.postcode);
    const { id: referralId } = (await referralIn(teams.noord.id, signal.caseId)) as unknown as { id: string };

    const page = await logIn(`Medewerker ${teams.noord.name}`, true);
    await page.getByRole('heading', { name: `Inbox ${teams.noord.name}` }).waitFor();
    await reloadUntil(page, 'Vroegsignaalzaak');
    await expectAccessible(page, 'inbox');

    await page.getByRole('link', { name: 'Vroegsignaalzaak' }).first().click();
    await page.waitForURL(`**/referrals/${referralId}`);
    // The household's details come from signals, which opens access on the routing event.
    await reloadUntil(page, 'Anna de Vries');
    await expect(page.getByText('€ 612,50').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByText('Huurachterstand').count()).resolves.toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Accepteren' }).click();
    await page.getByText('De verwijzing is geaccepteerd.').waitFor();
    await expectAccessible(page, 'verwijzing');

    await page.getByLabel('Kanaal').selectOption('phone');
    await page.getByLabel('Dagdeel').selectOption('morning');
    await page.getByLabel('Ja, persoon bereikt').check();
    await page.getByRole('button', { name: 'Contactpoging opslaan' }).click();
    await page.getByText('De contactpoging is vastgelegd.').waitFor();

    await page.getByLabel('Resultaat (DDAS)').selectOption('follow_up_financial');
    await page.getByRole('button', { name: 'Afsluiten' }).click();
    await page.getByText('De verwijzing is afgesloten.').waitFor();
    await page.getByText('Vervolg: financiële hulpverlening').first().waitFor();

    const { body } = await system.teamReferrals(teams.noord.id);
    expect(body.items.find((referral) => referral.item.id === signal.caseId)).toMatchObject({
      status: 'closed',
      result: 'follow_up_financial',
    });

    const other = await logIn(`Medewerker ${teams.zuid.name}`);
    await other.getByRole('heading', { name: `Inbox ${teams.zuid.name}` }).waitFor();
    await expect(other.getByRole('link', { name: 'Vroegsignaalzaak' }).count()).resolves.toBe(0);
    const response = await other.goto(`${workspaceUrl}/referrals/${referralId}`);
    expect(response?.status()).toBe(404);
    await other.getByRole('heading', { name: 'Niet gevonden' }).waitFor();
    await expect(other.getByText('Anna de Vries').count()).resolves.toBe(0);
    await expectAccessible(other, 'niet-gevonden');
    await other.context().close();
    await page.context().close();
  });

  it('when an item waits in the queue, then the coordinator assigns it to a team and sees the neighbourhood charts, and that team transfers it', async () => {
    const signal = await system.postSignal(teams.full.postcode);
    await waitFor('the queue entry', async () => {
      const { rows } = await system.networks.pool.query('SELECT 1 FROM coordinator_queue_item WHERE item_id = $1', [
        signal.caseId,
      ]);
      return rows[0];
    });

    const page = await logIn('Coördinator Zeedorp');
    await page.getByRole('heading', { name: 'Coördinatie' }).waitFor();
    await expectAccessible(page, 'coordinatie');
    const entries = page.locator('.ws-queue__entry');
    const entry = entries.filter({ has: page.getByText('Vroegsignaalzaak') }).last();
    await entry.getByLabel('Toewijzen aan team').selectOption(teams.zuid.id);
    await entry.getByRole('button', { name: 'Toewijzen' }).click();
    await page.getByText('Het item is aan het team toegewezen.').waitFor();
    const assigned = (await referralIn(teams.zuid.id, signal.caseId)) as unknown as { id: string };

    await page.getByRole('link', { name: 'Buurten' }).click();
    await page.getByRole('heading', { name: 'Nieuwe zaken per signaaltype' }).waitFor();
    // Chart.js drew on the canvas (it sets the canvas size), from counts only.
    await page.locator('#chart-signals[style*="width"]').waitFor({ state: 'attached' });
    const cells = (table: string, header: string) =>
      page.getByRole('table', { name: table }).getByRole('row', { name: header }).getByRole('cell').allTextContents();
    // Noord's case of the first journey was reached (a contact attempt), and Zuid now holds the assigned one.
    expect(
      await cells(
        'Aandeel zaken van deze maand met een eerste contactpoging',
        `Buurt ${teams.noord.neighbourhoodCode}`,
      ),
    ).toEqual(['100']);
    expect(await cells('Open zaken en capaciteit per team (nu)', teams.zuid.name)).toEqual(['1', '25']);
    await expectAccessible(page, 'buurten');
    await page.context().close();

    // Zuid hands the assigned case on to Noord, which never had it: the router confirms and Noord's inbox has it.
    const zuid = await logIn(`Medewerker ${teams.zuid.name}`);
    await zuid.goto(`${workspaceUrl}/referrals/${assigned.id}`);
    await zuid.getByLabel('Team', { exact: true }).selectOption(teams.noord.id);
    await zuid.getByRole('button', { name: 'Overdragen' }).click();
    await zuid.getByText('De verwijzing wordt overgedragen.').waitFor();
    await referralIn(teams.noord.id, signal.caseId);
    await zuid.context().close();
  });

  it("when a GP refers a patient, then the team sees the patient's details and the coded concern, and declines it with a reason", async () => {
    const gp = await system.issuer.sign({ organisationId: 'huisarts-e2e', kind: 'gp', scopes: ['referrals:write'] });
    const response = await fetch(`${system.referralsUrl}/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gp}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        patient: {
          givenName: 'Jan',
          familyName: 'Jansen',
          dateOfBirth: '1950-03-14',
          address: { postcode: teams.zuid.postcode, houseNumber: 3 },
        },
        concern: { codes: ['loneliness'], note: 'Weinig contacten sinds de verhuizing.' },
        urgency: 'urgent',
        referrer: { name: 'Dr. de Boer', role: 'gp', phone: '0201234567' },
        consent: {
          given: true,
          recordedBy: 'Dr. de Boer',
          recordedAt: new Date(Date.now() - 3_600_000).toISOString(),
          purposes: ['referral_to_welfare_coach', 'share_with_team', 'feedback_to_referrer'],
        },
      }),
    });
    expect(response.status).toBe(201);
    const request = (await response.json()) as { id: string };
    const { id } = (await referralIn(teams.zuid.id, request.id)) as unknown as { id: string };

    const page = await logIn(`Medewerker ${teams.zuid.name}`);
    await page.goto(`${workspaceUrl}/referrals/${id}`);
    await page.getByRole('heading', { name: 'Patiënt' }).waitFor();
    for (const text of ['Jan Jansen', 'Eenzaamheid', 'Weinig contacten sinds de verhuizing.', 'Urgent']) {
      await expect(page.getByText(text).count(), text).resolves.toBeGreaterThan(0);
    }
    await expectAccessible(page, 'verwijzing-huisarts');

    await page.getByLabel('Reden').selectOption('not_our_specialism');
    await page.getByRole('button', { name: 'Afwijzen' }).click();
    await page.getByText('De verwijzing is afgewezen; de router zoekt een ander team.').waitFor();
    const { body } = await system.teamReferrals(teams.zuid.id);
    expect(body.items.find((referral) => referral.item.id === request.id)).toMatchObject({
      status: 'declined',
      declineReason: 'not_our_specialism',
    });
    await page.context().close();
  });

  it('when a user logs in, then the session cookie is HttpOnly, Secure and SameSite; a post without the CSRF token, or a code is exchanged with the wrong PKCE verifier, then both are refused', async () => {
    const page = await logIn(`Medewerker ${teams.zuid.name}`);
    const cookies = await page.context().cookies(workspaceUrl);
    expect(cookies.filter((cookie) => cookie.name === 'vangnet_session')).toEqual([
      expect.objectContaining({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' }),
    ]);
    const forged = await page.context().request.post(`${workspaceUrl}/logout`, { form: { _csrf: 'not-the-token' } });
    expect(forged.status()).toBe(403);
    // The session survived the forged post: the page still shows the logged-in user.
    await page.reload();
    await page.getByRole('button', { name: 'Uitloggen' }).waitFor();
    await page.context().close();

    const redirectUri = `${workspaceUrl}/auth/callback`;
    const authorize = await fetch(`${oidc.url}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'workspace',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        user: 'zuid',
      }),
    });
    const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await fetch(`${oidc.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: 'workspace',
        client_secret: 'e2e-secret',
        code_verifier: 'a-verifier-that-does-not-match-the-challenge-at-all',
      }),
    });
    expect({ status: token.status, body: await token.json() }).toEqual({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('when a token of another municipality or a team asks for the counts, then it is refused', async () => {
    const get = async (url: string, token: string) =>
      (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;
    const month = new Date().toISOString().slice(0, 7);
    const elsewhere = await system.issuer.sign({
      organisationId: 'gemeente-elders',
      kind: 'coordinator',
      scopes: ['networks:read', 'referrals:read'],
      municipalityCode: 'GM9902',
    });
    const team = await system.issuer.sign({
      organisationId: teams.noord.id,
      kind: 'team',
      scopes: ['networks:read', 'referrals:read'],
      municipalityCode: 'GM9901',
    });
    const urls = {
      teams: `${networksUrl}/v1/municipalities/GM9901/teams`,
      routing: `${networksUrl}/v1/municipalities/GM9901/routing-counts?month=${month}`,
      referrals: `${system.referralsUrl}/v1/municipalities/GM9901/referral-counts?month=${month}`,
    };
    expect({
      elsewhere: [
        await get(urls.teams, elsewhere),
        await get(urls.routing, elsewhere),
        await get(urls.referrals, elsewhere),
      ],
      team: [await get(urls.teams, team), await get(urls.routing, team), await get(urls.referrals, team)],
    }).toEqual({ elsewhere: [403, 403, 403], team: [200, 403, 403] });
  });
});

#!/usr/bin/env node
/**
 * `pnpm start`: the whole system on one machine without Docker. PostgreSQL
 * and Kafka from .data/ (started, or found running after `pnpm infra:up`),
 * migrations, demo data, the three services; Ctrl-C stops it all and keeps
 * the data for next time.
 */
import { randomBytes } from 'node:crypto';
import { startDevOidcProvider } from '@vangnet/platform/dev-oidc';
import { type BuiltService, buildServices } from './build.ts';
import { demoMunicipality, demoPartners, demoRentSignal, demoTeam, loadDemoData } from './demo-data.ts';
import { demoUsers, devIssuer } from './dev-issuer.ts';
import {
  devStackOptions,
  prepareServiceDatabases,
  type ServiceName,
  serviceNames,
  startLocalStack,
} from './local-stack.ts';
import { type ServiceProcess, spawnService } from './service-process.ts';

const ports: Record<ServiceName, number> = { signals: 3001, networks: 3002, referrals: 3003 };
const workspacePort = 3004;
const loginPort = 3009;
// localhost, not 127.0.0.1: browsers keep Secure cookies from http://localhost only.
const workspaceUrl = `http://localhost:${workspacePort}`;
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  // What the image runs, not the TypeScript sources: see build.ts.
  say('Building the services…');
  await buildServices();
  say('Starting PostgreSQL and Kafka (the first start fetches the broker jars through Maven)…');
  const stack = await startLocalStack(devStackOptions);
  const databases = await prepareServiceDatabases(stack.postgresServerUrl);
  await loadDemoData(databases.networks);
  const { issuer, jwksUrl } = await devIssuer();
  // A secret per start: the workspace and the login provider are both started here.
  const workspaceClient = { clientId: 'vangnet-workspace', clientSecret: randomBytes(24).toString('base64url') };
  const login = await startDevOidcProvider(
    {
      issuer,
      users: demoUsers,
      clients: [{ ...workspaceClient, redirectUris: [`${workspaceUrl}/auth/callback`] }],
      accessTokenTtl: 8 * 3600,
    },
    { port: loginPort },
  );

  const children = new Map<string, ServiceProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping services…');
    await Promise.all([...children.values()].map((child) => child.stop()));
    if (stack.startedHere) {
      say('Stopping PostgreSQL and Kafka (data stays in .data/)…');
      await stack.stop();
    } else {
      say('PostgreSQL and Kafka were running before (pnpm infra:up) and keep running; pnpm infra:down stops them.');
    }
    await login.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const startChild = async (name: BuiltService, port: number, env: Record<string, string>) => {
    const child = await spawnService(name, {
      port,
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
      // Ctrl-C reaches the services through us, once, in order.
      detached: true,
      onLine: (line) => say(`[${name}] ${line}`),
    });
    child.child.once('exit', (code) => {
      if (!stopping) {
        say(`${name} stopped unexpectedly (exit ${code}); stopping everything`);
        void stopAll(1);
      }
    });
    children.set(name, child);
  };

  for (const service of serviceNames) {
    await startChild(service, ports[service], {
      DATABASE_URL: databases[service],
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      AUTH_JWKS_URL: jwksUrl,
      AUTH_ISSUER: issuer.issuer,
    });
  }
  await startChild('workspace', workspacePort, {
    PUBLIC_URL: workspaceUrl,
    OIDC_ISSUER: login.url,
    OIDC_CLIENT_ID: workspaceClient.clientId,
    OIDC_CLIENT_SECRET: workspaceClient.clientSecret,
    OIDC_ALLOW_HTTP: 'true',
    SIGNALS_URL: `http://127.0.0.1:${ports.signals}`,
    NETWORKS_URL: `http://127.0.0.1:${ports.networks}`,
    REFERRALS_URL: `http://127.0.0.1:${ports.referrals}`,
  });
  await Promise.all([...children.values()].map((child) => child.ready()));

  const team = demoTeam;
  const landlordToken = await issuer.sign({
    organisationId: demoPartners.landlord.id,
    kind: 'landlord',
    scopes: ['signals:write', 'signals:read'],
    ttl: 24 * 3600,
  });
  const teamToken = await issuer.sign({
    organisationId: team.id,
    kind: 'team',
    scopes: ['referrals:read', 'referrals:write'],
    municipalityCode: demoMunicipality.code,
    ttl: 24 * 3600,
  });

  // $RANDOM (outside the single quotes) gives each paste its own reference:
  // a resent reference is answered with the first signal, not a new one.
  const demoCurlBody = JSON.stringify({ ...demoRentSignal(), reference: 'HUUR-RANDOM' }).replace(
    'HUUR-RANDOM',
    "HUUR-'$RANDOM'",
  );
  say('');
  for (const service of serviceNames) say(`${service.padEnd(10)} http://127.0.0.1:${ports[service]}`);
  say(`${'workspace'.padEnd(10)} ${workspaceUrl}`);
  say(`
Demo: municipality ${demoMunicipality.name} (${demoMunicipality.code}); ${team.name} covers postcode area ${team.postcodeArea}.
OpenAPI: http://127.0.0.1:3001/v1/openapi.json (and 3002, 3003). Tokens: pnpm -s token --help

Send a first rent-arrears signal as ${demoPartners.landlord.name}:

curl -s http://127.0.0.1:3001/v1/signals \\
  -H 'Authorization: Bearer ${landlordToken}' \\
  -H 'Content-Type: application/json' \\
  -d '${demoCurlBody}'

Then see it in ${team.name}'s list:

curl -s http://127.0.0.1:3003/v1/teams/${team.id}/referrals \\
  -H 'Authorization: Bearer ${teamToken}'

and accept it (the team token may act; use the referral's id from the list):

curl -s -X POST http://127.0.0.1:3003/v1/teams/${team.id}/referrals/<referral id>/accept \\
  -H 'Authorization: Bearer ${teamToken}'

Workspace (the web application for teams and coordinators): ${workspaceUrl}
Log in on the development login page (${login.url}) as one of the demo users, no password:
${demoUsers.map((user) => `  ${user.name.padEnd(14)} ${user.description}`).join('\n')}
Send the signal above, then log in as ${demoUsers[0]?.name} to accept it, record contact and close it;
as ${demoUsers.at(-1)?.name} for the coordinator queue and the neighbourhood charts.

Ctrl-C stops everything; the data stays in .data/ for the next pnpm start.`);
}

main().catch((error: Error) => {
  console.error(`pnpm start failed: ${error.message}`);
  process.exit(1);
});

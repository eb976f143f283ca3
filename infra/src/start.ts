#!/usr/bin/env node
/**
 * `pnpm start`: the whole system on one machine without Docker. PostgreSQL
 * and Kafka from .data/ (started, or found running after `pnpm infra:up`),
 * migrations, demo data, the three services; Ctrl-C stops it all and keeps
 * the data for next time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { demoMunicipality, demoPartners, demoRentSignal, demoTeam, loadDemoData } from './demo-data.ts';
import { devIssuer } from './dev-issuer.ts';
import {
  devStackOptions,
  prepareServiceDatabases,
  repoRoot,
  type ServiceName,
  serviceNames,
  startLocalStack,
} from './local-stack.ts';
import { waitUntil } from './process.ts';

const ports: Record<ServiceName, number> = { signals: 3001, networks: 3002, referrals: 3003 };
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  say('Starting PostgreSQL and Kafka (the first start fetches the broker jars through Maven)…');
  const stack = await startLocalStack(devStackOptions);
  const databases = await prepareServiceDatabases(stack.postgresServerUrl);
  await loadDemoData(databases.networks);
  const { issuer, jwksUrl } = await devIssuer();

  const children = new Map<ServiceName, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping services…');
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    if (stack.startedHere) {
      say('Stopping PostgreSQL and Kafka (data stays in .data/)…');
      await stack.stop();
    } else {
      say('PostgreSQL and Kafka were running before (pnpm infra:up) and keep running; pnpm infra:down stops them.');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  for (const service of serviceNames) {
    const child = spawn(process.execPath, [path.join(repoRoot, 'services', service, 'src', 'server.ts')], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(ports[service]),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        DATABASE_URL: databases[service],
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        AUTH_JWKS_URL: jwksUrl,
        AUTH_ISSUER: issuer.issuer,
      },
      // Ctrl-C reaches the services through us, once, in order.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => say(`[${service}] ${line}`));
    }
    child.once('exit', (code) => {
      if (!stopping) {
        say(`${service} stopped unexpectedly (exit ${code}); stopping everything`);
        void stopAll(1);
      }
    });
    children.set(service, child);
  }

  await Promise.all(
    serviceNames.map((service) =>
      waitUntil(
        `${service} on port ${ports[service]}`,
        async () =>
          (await fetch(`http://127.0.0.1:${ports[service]}/health/ready`).catch(() => undefined))?.ok ?? false,
        60_000,
      ),
    ),
  );

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

Ctrl-C stops everything; the data stays in .data/ for the next pnpm start.`);
}

main().catch((error: Error) => {
  console.error(`pnpm start failed: ${error.message}`);
  process.exit(1);
});

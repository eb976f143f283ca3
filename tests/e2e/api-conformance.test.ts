import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testInfrastructure } from '@vangnet/testing/inject';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from './fixtures/system.ts';

/**
 * Third-party judges of the HTTP contract, against the three running
 * services: Spectral with the NL API Design Rules (tests/api/adr-ruleset.yaml)
 * on each served OpenAPI document, and schemathesis (all checks, a bounded
 * number of examples per operation) on each running service with a valid
 * token. schemathesis comes from PyPI: `bash .ci/python-tools.sh` (CI runs it).
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const spectral = path.join(root, 'node_modules/.bin/spectral');
/**
 * Our transcription of Logius' ruleset (see its header); ADR_RULESET names
 * another file, e.g. the official one from developer.overheid.nl, which this
 * machine cannot download, so both can be checked to agree.
 */
const adrRuleset = process.env.ADR_RULESET ?? path.join(root, 'tests/api/adr-ruleset.yaml');
const schemathesis = path.join(root, '.tools/venv/bin/schemathesis');
/** Examples per operation and phase: enough to reach every branch of the schemas, a few minutes for all. */
const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 8);
/** Fixed, so a red run is reproducible; another seed (with more examples) looks where this one does not. */
const SEED = process.env.SCHEMATHESIS_SEED ?? '20261202';

let system: System;
let networksUrl: string;
let workDir: string;

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
  networksUrl = await system.networks.listen({ port: 0, host: '127.0.0.1' });
  workDir = await mkdtemp(path.join(tmpdir(), 'vangnet-api-checks-'));
}, 180_000);

afterAll(async () => {
  await system?.close();
});

const services = {
  signals: {
    url: () => system.signalsUrl,
    token: () =>
      system.issuer.sign({
        organisationId: 'woonstichting-api',
        kind: 'landlord',
        scopes: ['signals:write', 'signals:read'],
      }),
  },
  networks: {
    url: () => networksUrl,
    token: () => system.issuer.sign({ organisationId: 'beheer-api', kind: 'admin', scopes: ['networks:admin'] }),
  },
  referrals: {
    url: () => system.referralsUrl,
    token: () =>
      system.issuer.sign({
        organisationId: '6f1c1a52-3b7e-4c38-9d1a-0a8f0c6d2b11',
        kind: 'team',
        scopes: ['referrals:read', 'referrals:write'],
      }),
  },
} as const;

interface SpectralFinding {
  code: string;
  message: string;
  path: string[];
  severity: number;
}

describe.each(Object.keys(services) as (keyof typeof services)[])('the %s API', (name) => {
  const service = services[name];

  it('meets the NL API Design Rules: Spectral with the ADR ruleset finds no error', async () => {
    const response = await fetch(`${service.url()}/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const file = path.join(workDir, `${name}.openapi.json`);
    await writeFile(file, await response.text());
    // Spectral exits 1 on findings; anything but a JSON list (a broken ruleset) fails below.
    const { stdout } = await run(spectral, ['lint', '--ruleset', adrRuleset, '--format', 'json', '--quiet', file], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout || String(error.stderr) }));
    const findings = JSON.parse(stdout) as SpectralFinding[];
    expect(Array.isArray(findings)).toBe(true);
    const errors = findings
      .filter((finding) => finding.severity === 0)
      .map((finding) => `${finding.code} at ${finding.path.join('.')}: ${finding.message}`);
    expect(errors).toEqual([]);
  });

  it('conforms to its own document: schemathesis with all checks finds no server error and no non-conforming answer', async () => {
    expect(existsSync(schemathesis), 'schemathesis is installed by `bash .ci/python-tools.sh`').toBe(true);
    const base = service.url();
    const result = await run(
      schemathesis,
      [
        '--no-color',
        '--config-file',
        path.join(root, 'tests/api/schemathesis.toml'),
        'run',
        `${base}/v1/openapi.json`,
        '--url',
        `${base}/v1`,
        '--header',
        `Authorization: Bearer ${await service.token()}`,
        '--max-examples',
        String(MAX_EXAMPLES),
        '--seed',
        SEED,
        '--workers',
        '2',
        '--request-timeout',
        '10',
        '--generation-database',
        'none',
      ],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } },
    ).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '' }),
    );
    // The report names each failing operation, the check and a curl line to reproduce it.
    expect(result.code, result.stdout.slice(-20_000)).toBe(0);
  }, 600_000);
});

describe('answers the same way in every service', () => {
  it('when an organisation asks for an object it may not know of, then 404, as for one that does not exist', async () => {
    const teamA = await system.issuer.sign({ organisationId: randomUUID(), kind: 'team', scopes: ['referrals:read'] });
    const otherTeam = await fetch(`${system.referralsUrl}/v1/teams/${randomUUID()}/referrals`, {
      headers: { authorization: `Bearer ${teamA}` },
    });
    expect(otherTeam.status).toBe(404);
    const landlord = await system.issuer.sign({ organisationId: 'w-1', kind: 'landlord', scopes: ['referrals:read'] });
    const gpReferral = await fetch(`${system.referralsUrl}/v1/referrals/${randomUUID()}`, {
      headers: { authorization: `Bearer ${landlord}` },
    });
    expect(gpReferral.status).toBe(404);
    expect(((await gpReferral.json()) as { code: string }).code).toBe('NOT_FOUND');
    const caseSubject = await fetch(`${system.signalsUrl}/v1/cases/${randomUUID()}/subject`, {
      headers: { authorization: `Bearer ${landlord}` },
    });
    expect(caseSubject.status).toBe(404);
  });

  it('when a team name or contact holds a NUL byte, then networks answers 400 naming both fields, like the others', async () => {
    const admin = await services.networks.token();
    const response = await fetch(`${networksUrl}/v1/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        municipalityCode: 'GM9901',
        name: 'Buurtteam\u0000Noord',
        contact: 'noord@\u0000buurtteam.example',
        neighbourhoodCodes: [],
        specialisms: [],
        capacity: 10,
        active: true,
      }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: { pointer: string; code: string }[] };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((error) => error.pointer)).toEqual(expect.arrayContaining(['/name', '/contact']));
    const { rows } = await system.networks.pool.query("SELECT 1 FROM team WHERE name LIKE 'Buurtteam%Noord'");
    expect(rows).toHaveLength(0);
  });

  it.each(Object.keys(services) as (keyof typeof services)[])(
    'when %s is asked a wrong method or an empty id, then 405 with Allow, or 404',
    async (name) => {
      const base = services[name].url();
      const wrongMethod = await fetch(`${base}/v1/openapi.json`, { method: 'DELETE' });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
      const docs = await fetch(`${base}/v1/docs/`);
      expect(docs.status).toBe(200);
    },
  );

  it('when an id is left empty, then 404, not 400', async () => {
    const response = await fetch(`${system.signalsUrl}/v1/signals/`, {
      headers: { authorization: `Bearer ${await services.signals.token()}` },
    });
    expect(response.status).toBe(404);
  });
});

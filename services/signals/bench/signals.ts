/**
 * Benchmark of the signals intake against a bare fastify + pg insert of the
 * same payload, in the same run. A benchmark, not a test: it asserts
 * nothing about time, it measures and writes bench/results/signals.json.
 *
 *   pnpm bench:signals
 *
 * (a)  single-signal accepts per second: `POST /v1/signals` over HTTP with
 *      `BENCH_CONCURRENCY` requests in flight (closed loop), each a full rent
 *      signal for a new household (rules, household lock, case, outbox row);
 * (a') the same requests to a bare fastify route that inserts the JSON body
 *      into one table (one unique reference, no rules, no auth);
 * (b)  latency of `POST /v1/signals` at a fixed arrival rate (open loop:
 *      a slow answer does not slow the arrivals), p50/p99;
 * (b') the same against the bare route;
 * (c)  rows per second of a 100,000-row CSV delivery, from the start of the
 *      upload to the file job reporting it completed (staging, then the
 *      intake rules per row in chunks);
 * (c') the same CSV to a bare fastify route that streams it and inserts its
 *      rows in batches of 1,000;
 * (d)  `POST /v1/signal-batches` with 1,000 full rent signals for new
 *      households, `BENCH_BATCHES` times one after the other: time to the answer;
 * (d') the same bodies to a bare route that inserts them in one statement and
 *      answers a result per item.
 *
 * The service runs here with its real config, token checks and database, but
 * with its outbox relay stopped: accepting a signal ends at the COMMIT of its
 * outbox row, publishing is measured by bench:messaging, and the run's tens
 * of thousands of CaseOpened events must not land on the shared topic that
 * every test run's router reads from the beginning.
 *
 * Knobs (environment): BENCH_REQUESTS, BENCH_CONCURRENCY, BENCH_RATE, BENCH_SECONDS, BENCH_FILE_ROWS, BENCH_BATCHES.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
// The statistics and table of bench:messaging, so both read the same way.
import {
  type Distribution,
  distribution,
  intFromEnv,
  loadAverage,
  machine,
  round,
  runBench,
  table,
} from '@vangnet/testing/bench';
import { createTestDatabase } from '@vangnet/testing/database';
import { startTestInfrastructure } from '@vangnet/testing/infrastructure';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer } from '@vangnet/testing/tokens';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const resultsFile = path.join(repoRoot, 'bench', 'results', 'signals.json');
const migrations = path.join(repoRoot, 'services', 'signals', 'prisma', 'migrations');

const config = {
  throughputRequests: intFromEnv('BENCH_REQUESTS', 3_000),
  concurrency: intFromEnv('BENCH_CONCURRENCY', 16),
  warmupRequests: 300,
  /** Below what the service sustains here (see throughput), or (b) measures a growing queue. */
  latencyRate: intFromEnv('BENCH_RATE', 40),
  latencySeconds: intFromEnv('BENCH_SECONDS', 20),
  fileRows: intFromEnv('BENCH_FILE_ROWS', 100_000),
  batchSize: 1_000,
  batches: intFromEnv('BENCH_BATCHES', 5),
  fileTimeoutMs: 600_000,
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** A household no other request of the run uses: every signal opens a case, the costliest path. */
let household = 0;
function nextAddress() {
  household += 1;
  return { postcode: `${1000 + (household % 9000)}BN`, houseNumber: Math.floor(household / 9000) + 1 };
}

/**
 * A birth date of its own per household, so the person key differs too: with
 * one person for every signal, every signal after the first would join that
 * person's one case (and wait on their lock), which is not a new household.
 * 30,000 days of birth dates outlast the run's single and batch signals.
 */
const birthDate = () => new Date(Date.UTC(1940, 0, 1) + (household % 30_000) * 86_400_000).toISOString().slice(0, 10);

function rentSignal() {
  const address = nextAddress();
  return {
    type: 'rent',
    reference: `HUUR-${randomUUID()}`,
    subject: { givenName: 'Anna', familyName: 'de Vries', dateOfBirth: birthDate(), phone: '+31612345678' },
    address,
    arrears: { amount: 612.5, since: daysAgo(60) },
    preconditions: {
      contactAttempted: true,
      pointedToDebtHelp: true,
      reminderSentOn: daysAgo(20),
      consentOfferMade: true,
      tenantObjected: false,
    },
  };
}

function csvFile(rows: number): string {
  const since = daysAgo(45);
  const run = randomBytes(4).toString('hex');
  const lines = ['type;reference;given_name;family_name;phone;postcode;house_number;arrears_amount;arrears_since'];
  for (let i = 0; i < rows; i += 1) {
    const address = nextAddress();
    lines.push(
      `energy;E-${run}-${i};Anna;de Vries;+31612345678;${address.postcode};${address.houseNumber};240,00;${since}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

async function post(target: Target, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`${target.name}: ${response.status}`);
  return performance.now() - started;
}

/** (a) Closed loop: `concurrency` requests in flight until `count` are answered. */
async function throughput(target: Target, count: number) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      while (next < count) {
        next += 1;
        latencies.push(await post(target, rentSignal()));
      }
    }),
  );
  const elapsed = performance.now() - started;
  return {
    requests: count,
    ms: round(elapsed, 1),
    perSecond: Math.round(count / (elapsed / 1_000)),
    latency: distribution(latencies),
  };
}

/** (b) Open loop: request i starts at start + i/rate, whether or not the earlier ones have been answered. */
async function latencyAtRate(target: Target) {
  const count = config.latencyRate * config.latencySeconds;
  const latencies: number[] = [];
  const running: Promise<void>[] = [];
  const started = performance.now();
  let issued = 0;
  while (issued < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) * config.latencyRate) / 1_000) + 1);
    for (; issued < due; issued += 1) running.push(post(target, rentSignal()).then((ms) => void latencies.push(ms)));
    await sleep(1);
  }
  const issuedIn = performance.now() - started;
  await Promise.all(running);
  return { requests: count, achievedRate: Math.round(count / (issuedIn / 1_000)), latency: distribution(latencies) };
}

/** (d) Batches of `batchSize` new households, one after the other; each answer must accept them all. */
async function batches(target: Target) {
  const latencies: number[] = [];
  for (let i = 0; i < config.batches; i += 1) {
    const body = JSON.stringify({ signals: Array.from({ length: config.batchSize }, rentSignal) });
    const started = performance.now();
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body,
    });
    const answer = (await response.json()) as { accepted?: number };
    latencies.push(performance.now() - started);
    if (response.status !== 200 || answer.accepted !== config.batchSize) {
      throw new Error(`${target.name} batch: ${response.status} ${JSON.stringify(answer).slice(0, 500)}`);
    }
  }
  return { batches: config.batches, size: config.batchSize, ms: distribution(latencies) };
}

/** (c) Upload, then poll the delivery until it is completed. */
async function vangnetFile(baseUrl: string, token: string, csv: string) {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/v1/signal-files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const accepted = (await response.json()) as { id: string };
  if (response.status !== 202) throw new Error(`file upload: ${response.status} ${JSON.stringify(accepted)}`);
  const stagedMs = performance.now() - started;
  const deadline = started + config.fileTimeoutMs;
  for (;;) {
    const status = (await (
      await fetch(`${baseUrl}/v1/signal-files/${accepted.id}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { status: string; accepted: number; rejected: number; duplicates: number };
    if (status.status === 'completed') {
      const elapsed = performance.now() - started;
      if (status.accepted !== config.fileRows) throw new Error(`file: ${JSON.stringify(status)}`);
      return {
        rows: config.fileRows,
        msUntil202: round(stagedMs, 1),
        msUntilCompleted: round(elapsed, 1),
        rowsPerSecond: Math.round(config.fileRows / (elapsed / 1_000)),
        counts: { accepted: status.accepted, rejected: status.rejected, duplicates: status.duplicates },
      };
    }
    if (performance.now() > deadline) throw new Error(`file not completed in ${config.fileTimeoutMs} ms`);
    await sleep(100);
  }
}

/** (c') The same CSV streamed into a bare table, 1,000 rows per INSERT. */
async function bareFile(baseUrl: string, csv: string) {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/file`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  const body = (await response.json()) as { rows: number };
  const elapsed = performance.now() - started;
  if (body.rows !== config.fileRows) throw new Error(`bare file: ${JSON.stringify(body)}`);
  return {
    rows: body.rows,
    msUntilCompleted: round(elapsed, 1),
    rowsPerSecond: Math.round(body.rows / (elapsed / 1_000)),
  };
}

/** The baseline: fastify with JSON parsing and one pg insert per signal, or batched inserts per file. */
async function startBareApp(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(`CREATE TABLE bare_signal (id uuid PRIMARY KEY, reference text UNIQUE NOT NULL, body jsonb NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query('CREATE TABLE bare_file_row (row_number int NOT NULL, fields text NOT NULL)');
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024 });
  app.post('/batches', async (request) => {
    const { signals } = request.body as { signals: { reference: string }[] };
    await pool.query(
      'INSERT INTO bare_signal (id, reference, body) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])',
      [signals.map(() => randomUUID()), signals.map((s) => s.reference), signals.map((s) => JSON.stringify(s))],
    );
    const results = signals.map((s, index) => ({ index, status: 'accepted', reference: s.reference }));
    return { accepted: signals.length, rejected: 0, results };
  });
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  app.post('/signals', async (request, reply) => {
    const body = request.body as { reference: string };
    await pool.query('INSERT INTO bare_signal (id, reference, body) VALUES ($1, $2, $3)', [
      randomUUID(),
      body.reference,
      JSON.stringify(body),
    ]);
    return reply.code(201).send({ ok: true });
  });
  app.post('/file', async (request) => {
    let rest = '';
    let rows = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await pool.query('INSERT INTO bare_file_row (row_number, fields) SELECT * FROM unnest($1::int[], $2::text[])', [
        batch.map((_, index) => rows - batch.length + index),
        batch,
      ]);
      batch = [];
    };
    for await (const chunk of request.body as Readable) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        rows += 1;
        batch.push(line);
        if (batch.length >= 1_000) await flush();
      }
    }
    if (rest) {
      rows += 1;
      batch.push(rest);
    }
    await flush();
    return { rows: rows - 1 };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { app, pool, baseUrl: `http://127.0.0.1:${address.port}` };
}

function summary(result: Awaited<ReturnType<typeof run>>): string {
  const ms = (d: Distribution) => [d.p50.toFixed(1), d.p99.toFixed(1)];
  const { throughput: t, latency: l, file: f, batch: b } = result;
  const lines = [
    `signals bench: node ${result.machine.node}, ${result.machine.cpus} cpus, ${result.infrastructure.source}, ${result.date}`,
    '',
    table([
      ['', 'vangnet', 'baseline', 'ratio'],
      [
        `accepts/s (${config.concurrency} in flight)`,
        String(t.vangnet.perSecond),
        String(t.baseline.perSecond),
        t.ratio.toFixed(3),
      ],
      [
        `p50 ms at ${l.rate}/s`,
        ...ms(l.vangnet.latency).slice(0, 1),
        ...ms(l.baseline.latency).slice(0, 1),
        String(l.ratio.p50),
      ],
      [
        `p99 ms at ${l.rate}/s`,
        ...ms(l.vangnet.latency).slice(1),
        ...ms(l.baseline.latency).slice(1),
        String(l.ratio.p99),
      ],
      [
        `file rows/s (${f.vangnet.rows} rows)`,
        String(f.vangnet.rowsPerSecond),
        String(f.baseline.rowsPerSecond),
        f.ratio.toFixed(3),
      ],
      [
        `batch of ${b.vangnet.size}, p50 ms`,
        b.vangnet.ms.p50.toFixed(0),
        b.baseline.ms.p50.toFixed(0),
        b.ratio.toFixed(3),
      ],
    ]),
    '',
    `written to ${path.relative(repoRoot, resultsFile)}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function run() {
  const loadAtStart = loadAverage();
  const infrastructure = await startTestInfrastructure();
  const database = await createTestDatabase(infrastructure.postgresServerUrl, 'bench_signals', migrations);
  const bareDatabase = await createTestDatabase(infrastructure.postgresServerUrl, 'bench_bare');
  const issuer = await createTestIssuer();
  const env = {
    ...serviceEnv({ infrastructure, databaseUrl: database.url, issuer }),
    LOG_LEVEL: 'error',
    RETENTION_INTERVAL_MINUTES: '0',
    SIGNAL_FILE_POLL_MS: '200',
  };
  const app = await buildApp(loadConfig(env));
  const bare = await startBareApp(bareDatabase.url);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    await app.outboxRelay?.stop();
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const token = await issuer.sign({
      organisationId: `landlord-${randomUUID()}`,
      kind: 'landlord',
      scopes: ['signals:write', 'signals:read'],
    });
    const energyToken = await issuer.sign({
      organisationId: `energy-${randomUUID()}`,
      kind: 'energy',
      scopes: ['signals:write', 'signals:read'],
    });
    const vangnet: Target = {
      name: 'vangnet',
      url: `${baseUrl}/v1/signals`,
      headers: { authorization: `Bearer ${token}` },
    };
    const baseline: Target = { name: 'baseline', url: `${bare.baseUrl}/signals`, headers: {} };
    const postgres = (await bare.pool.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;

    progress('warm-up');
    await throughput(vangnet, config.warmupRequests);
    await throughput(baseline, config.warmupRequests);

    progress(`throughput: ${config.throughputRequests} requests, ${config.concurrency} in flight`);
    const tVangnet = await throughput(vangnet, config.throughputRequests);
    const tBaseline = await throughput(baseline, config.throughputRequests);
    progress(`throughput: vangnet ${tVangnet.perSecond}/s, baseline ${tBaseline.perSecond}/s`);

    progress(`latency: ${config.latencyRate}/s for ${config.latencySeconds} s each`);
    const lVangnet = await latencyAtRate(vangnet);
    const lBaseline = await latencyAtRate(baseline);

    progress(`batches: ${config.batches} of ${config.batchSize}`);
    const bVangnet = await batches({ ...vangnet, url: `${baseUrl}/v1/signal-batches` });
    const bBaseline = await batches({ ...baseline, url: `${bare.baseUrl}/batches` });
    progress(`batch p50: vangnet ${bVangnet.ms.p50.toFixed(0)} ms, baseline ${bBaseline.ms.p50.toFixed(0)} ms`);

    progress(`file: ${config.fileRows} rows`);
    const csv = csvFile(config.fileRows);
    const fVangnet = await vangnetFile(baseUrl, energyToken, csv);
    const fBaseline = await bareFile(bare.baseUrl, csv);
    progress(`file: vangnet ${fVangnet.rowsPerSecond} rows/s, baseline ${fBaseline.rowsPerSecond} rows/s`);

    return {
      benchmark: 'signals',
      date: new Date().toISOString(),
      machine: machine(loadAtStart),
      infrastructure: {
        source: infrastructure.source,
        postgres,
        note:
          'PostgreSQL, the broker, the service, the baseline and the load generator share this machine; the ' +
          "service's outbox relay is stopped (publishing is bench:messaging's), its consumers run",
      },
      config: { ...config, csvBytes: Buffer.byteLength(csv) },
      throughput: {
        vangnet: tVangnet,
        baseline: tBaseline,
        ratio: round(tVangnet.perSecond / tBaseline.perSecond, 3),
      },
      latency: {
        rate: config.latencyRate,
        seconds: config.latencySeconds,
        vangnet: lVangnet,
        baseline: lBaseline,
        ratio: {
          p50: round(lVangnet.latency.p50 / lBaseline.latency.p50, 2),
          p99: round(lVangnet.latency.p99 / lBaseline.latency.p99, 2),
        },
      },
      batch: {
        vangnet: bVangnet,
        baseline: bBaseline,
        /** Baseline time over ours at the median, so higher is better as in the other ratios. */
        ratio: round(bBaseline.ms.p50 / bVangnet.ms.p50, 3),
      },
      file: {
        vangnet: fVangnet,
        baseline: fBaseline,
        ratio: round(fVangnet.rowsPerSecond / fBaseline.rowsPerSecond, 3),
      },
      benchSeconds: 0,
    };
  } finally {
    await app.close();
    await bare.app.close();
    await bare.pool.end();
    await database.drop().catch(() => undefined);
    await bareDatabase.drop().catch(() => undefined);
    await infrastructure.stop();
  }
}

await runBench(run, resultsFile, summary);

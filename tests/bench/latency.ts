/**
 * End-to-end latency as a team feels it: POST /v1/signals → the referral
 * listed in the team's inbox (GET /v1/teams/:id/referrals), at fixed arrival
 * rates, beside a bare kafkajs produce → consume at the same rates in the
 * same run; and each service's memory idle and under load. A benchmark, not
 * a test: it asserts nothing about time, it measures and writes
 * bench/results/latency.json.
 *
 *   pnpm bench:latency
 *
 * The three services run as child processes of their own (their built
 * server, as the image and `pnpm start` run them), so each one's RSS and heap
 * are its own; PostgreSQL and the broker come from startTestInfrastructure, as for
 * the tests. Every signal is for a household of its own (its own house
 * number and family name), so each opens a case of its own and is routed.
 *
 * How "listed" is observed: one poller per team asks the team's list, newest
 * first (the inbox's default sort), back to back with BENCH_POLL_MS between
 * polls, following the cursor down to the oldest referral it still waits for:
 * a referral is created after its POST started, so once a page reaches
 * below the earliest start of the team's signals not yet listed, nothing it
 * waits for can be further down. (A poll that stopped at the first page
 * holding a known referral missed referrals committed after newer ones.)
 * A referral counts as listed when the response that first holds it has
 * arrived, so each figure is late by up to one poll (the poll round trip plus
 * the pause; `inboxPoll` gives that resolution). `referralWritten` is the
 * lower bound: the referral's createdAt minus the POST's start (wall clock,
 * millisecond resolution, same machine).
 *
 * Knobs (environment): BENCH_STEP_SECONDS (each rate's duration), BENCH_TEAMS,
 * BENCH_POLL_MS, BENCH_WARMUP_SIGNALS, BENCH_RATES (e.g. `100`), BENCH_CPU_PROFILE_DIR
 * (a V8 CPU profile per service). Quick run: BENCH_STEP_SECONDS=3.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildServices } from '@vangnet/infra/build';
import { demoRentSignal } from '@vangnet/infra/demo-data';
import { freePort, migrationsDir } from '@vangnet/infra/local-stack';
import { type ServiceProcess, startServiceProcess } from '@vangnet/infra/service-process';
import { createKafka } from '@vangnet/messaging/kafka';
import { createPrismaClient } from '@vangnet/networks/db';
import { setUpNeighbourhoodTeam } from '@vangnet/networks/set-up-area';
import { createPool } from '@vangnet/platform/postgres';
import {
  type Distribution,
  distribution,
  intFromEnv,
  loadAverage,
  machine,
  paced,
  round,
  runBench,
  sleep,
  table,
  until,
} from '@vangnet/testing/bench';
import { createTestDatabase, type TestDatabase } from '@vangnet/testing/database';
import { startTestInfrastructure } from '@vangnet/testing/infrastructure';
import { serviceEnv } from '@vangnet/testing/service-env';
import { createTestIssuer, type TestIssuer } from '@vangnet/testing/tokens';
import pg from 'pg';
import pino from 'pino';
import { bareLatency } from './bare-latency.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const resultsFile = path.join(repoRoot, 'bench', 'results', 'latency.json');

const config = {
  /** Arrival rates (signals/s), in this order; the memory "under load" figure is the last (highest) step's peak. */
  rates: (process.env.BENCH_RATES ?? '20,100,200').split(',').map(Number),
  stepSeconds: intFromEnv('BENCH_STEP_SECONDS', 15),
  teams: intFromEnv('BENCH_TEAMS', 2),
  /** Far above what a run sends, so no referral waits for capacity or goes elsewhere. */
  teamCapacity: 1_000_000,
  pollPauseMs: intFromEnv('BENCH_POLL_MS', 10),
  /**
   * Referrals per page of a poll. Small, because the poller is the bench's
   * instrument and should not load what it measures: with 200 per page and
   * every poll reading one whole page (until 3 December), serving the polls
   * was referrals' largest CPU share and the largest of the machine at
   * 100/s. A poll reads as many pages as its stopping rule (above) needs.
   */
  pageSize: intFromEnv('BENCH_PAGE_SIZE', 20),
  /** Pages one poll follows back at most; more means the poller is far behind, counted in `pollsCapped`. */
  maxPagesPerPoll: 100,
  /** Clock slack between the bench's POST start and PostgreSQL's createdAt (same machine, millisecond values). */
  createdSlackMs: 100,
  /** Untimed signals through the whole path first: JIT, connections, group joins, the teams reaching referrals. */
  warmupSignals: intFromEnv('BENCH_WARMUP_SIGNALS', 40),
  memorySampleMs: 500,
  idleSamples: 5,
  drainTimeoutMs: 90_000,
  /** Bare kafkajs: untimed messages per step, then stepSeconds × rate timed ones. */
  bareWarmupEvents: 40,
  goals: {
    at100PerSecond: { p50Ms: 100, p99Ms: 500 },
    memoryMiB: { idle: 150, underLoad: 300 },
  },
};

const services = ['signals', 'networks', 'referrals'] as const;
type Service = (typeof services)[number];

const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' }, pino.destination(2));
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const MiB = 2 ** 20;

interface RunningService extends ServiceProcess {
  name: Service;
  metricsUrl: string;
}

/** Starts a service's built server as `pnpm start` does, in a process of its own, and waits until it is ready. */
async function startService(name: Service, env: Record<string, string>): Promise<RunningService> {
  const metricsPort = await freePort();
  // BENCH_CPU_PROFILE_DIR: each service writes a V8 CPU profile there when it exits (where does its time go?).
  const profile = process.env.BENCH_CPU_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROFILE_DIR, name)}`]
    : [];
  const service = await startServiceProcess(name, {
    env: { ...env, METRICS_PORT: String(metricsPort) },
    nodeFlags: profile,
    onLine: (line) => process.stderr.write(`[${name}] ${line}\n`),
    readyTimeoutMs: 120_000,
  });
  return Object.assign(service, { name, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` });
}

interface MemorySample {
  rssMiB: number;
  heapUsedMiB: number;
}

/** RSS from the kernel (/proc), heap used from the service's own /metrics (prom-client's default metrics). */
async function sampleMemory(service: RunningService): Promise<MemorySample> {
  const status = await readFile(`/proc/${service.child.pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  const metrics = await (await fetch(service.metricsUrl)).text();
  const heapUsed = Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1] ?? NaN);
  return { rssMiB: round(rssKiB / 1024, 1), heapUsedMiB: round(heapUsed / MiB, 1) };
}

/** Samples every service's memory until stopped; `peak` is the highest RSS and heap seen per service. */
function memorySampler(running: RunningService[]) {
  const peak = new Map<Service, MemorySample>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const service of running) {
        const sample = await sampleMemory(service).catch(() => undefined);
        if (!sample) continue;
        const before = peak.get(service.name);
        peak.set(service.name, {
          rssMiB: Math.max(before?.rssMiB ?? 0, sample.rssMiB),
          heapUsedMiB: Math.max(before?.heapUsedMiB ?? 0, sample.heapUsedMiB),
        });
      }
      await sleep(config.memorySampleMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return Object.fromEntries(peak) as Record<Service, MemorySample>;
    },
  };
}

async function idleMemory(running: RunningService[]) {
  const samples = new Map<Service, MemorySample[]>();
  for (let i = 0; i < config.idleSamples; i += 1) {
    for (const service of running) {
      samples.set(service.name, [...(samples.get(service.name) ?? []), await sampleMemory(service)]);
    }
    await sleep(config.memorySampleMs);
  }
  // The last sample: after start-up's garbage has had time to be collected.
  return Object.fromEntries([...samples].map(([name, list]) => [name, list.at(-1)])) as Record<Service, MemorySample>;
}

interface Team {
  id: string;
  postcode: string;
  token: string;
  nextHouseNumber: number;
  /** Signals posted for this team whose referral the poller has not listed yet (nor their POST failed). */
  pending: Set<Posted>;
}

const letter = () => String.fromCharCode(65 + randomInt(26));

/** A family name of letters only, distinct per household index. */
function familyName(index: number): string {
  let name = '';
  let rest = index;
  do {
    name = String.fromCharCode(97 + (rest % 26)) + name;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `Bench${name}`;
}

/**
 * Watches a team's inbox as the team sees it: newest first, back to back.
 * `seenAt` holds when the response first listing each case's referral arrived.
 */
function inboxPoller(referralsUrl: string, team: Team, seenAt: Map<string, number>, createdAt: Map<string, number>) {
  const pollMs: number[] = [];
  const counts = { polls: 0, pages: 0, errors: 0, pollsCapped: 0 };
  let stopped = false;
  const page = async (cursor?: string) => {
    const query = new URLSearchParams({ sort: 'created_desc', limit: String(config.pageSize) });
    if (cursor) query.set('cursor', cursor);
    const response = await fetch(`${referralsUrl}/v1/teams/${team.id}/referrals?${query}`, {
      headers: { authorization: `Bearer ${team.token}` },
    });
    if (response.status !== 200) throw new Error(`inbox answered ${response.status}`);
    return (await response.json()) as { items: { item: { id: string }; createdAt: string }[]; next?: string };
  };
  /** The earliest POST start of the team's signals not listed yet, or nothing when the poller waits for none. */
  const oldestPending = () => {
    let oldest: number | undefined;
    for (const record of team.pending) {
      if (record.error !== undefined || (record.caseId !== undefined && seenAt.has(record.caseId))) {
        team.pending.delete(record);
      } else if (oldest === undefined || record.startedEpochMs < oldest) oldest = record.startedEpochMs;
    }
    return oldest;
  };
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      // Taken before the first page: a signal posted during this poll lists above where the poll stops.
      const waitsFrom = oldestPending();
      try {
        let cursor: string | undefined;
        for (let pages = 1; ; pages += 1) {
          const body = await page(cursor);
          const at = performance.now();
          counts.pages += 1;
          for (const referral of body.items) {
            if (seenAt.has(referral.item.id)) continue;
            seenAt.set(referral.item.id, at);
            createdAt.set(referral.item.id, Date.parse(referral.createdAt));
          }
          const last = body.items.at(-1);
          const belowWaited =
            waitsFrom === undefined || !last || Date.parse(last.createdAt) < waitsFrom - config.createdSlackMs;
          if (belowWaited || !body.next) break;
          if (pages >= config.maxPagesPerPoll) {
            counts.pollsCapped += 1;
            break;
          }
          cursor = body.next;
        }
        counts.polls += 1;
        pollMs.push(performance.now() - started);
      } catch {
        counts.errors += 1;
      }
      await sleep(config.pollPauseMs);
    }
  })();
  return {
    counts,
    pollMs,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

interface Row {
  event_id: string;
  topic?: string;
  created?: number;
  sent?: number;
  processed?: number;
}

/**
 * Where a step's time went, from the services' own rows (millisecond
 * timestamps, each a transaction's start): an outbox row's created_at →
 * sent_at (the relay), sent_at → processed_at of the inbox row the next
 * service wrote for that event (broker, fetch, queueing before the inbox
 * transaction), for signals → networks (the router) and networks →
 * referrals (the inbox). Only events the next service consumed are counted.
 */
async function hops(pools: Record<Service, pg.Pool>, sinceEpochMs: number) {
  const since = new Date(sinceEpochMs);
  const outbox = (pool: pg.Pool) =>
    pool
      .query<Row>(
        `SELECT event_id::text, topic, (extract(epoch FROM created_at) * 1000)::float8 AS created,
                (extract(epoch FROM sent_at) * 1000)::float8 AS sent
           FROM outbox WHERE created_at >= $1 AND sent_at IS NOT NULL`,
        [since],
      )
      .then((result) => result.rows);
  const inbox = (pool: pg.Pool) =>
    pool
      .query<Row>(
        `SELECT event_id, (extract(epoch FROM processed_at) * 1000)::float8 AS processed
           FROM inbox WHERE processed_at >= $1`,
        [since],
      )
      .then((result) => new Map(result.rows.map((row) => [row.event_id, row.processed as number])));
  const hop = (rows: Row[], consumed: Map<string, number>) => {
    const taken = rows.filter((row) => consumed.has(row.event_id));
    return {
      topics: [...new Set(taken.map((row) => row.topic))],
      relay: distribution(taken.map((row) => (row.sent as number) - (row.created as number))),
      toInbox: distribution(taken.map((row) => (consumed.get(row.event_id) as number) - (row.sent as number))),
    };
  };
  const [signalsOut, networksIn, networksOut, referralsIn] = await Promise.all([
    outbox(pools.signals),
    inbox(pools.networks),
    outbox(pools.networks),
    inbox(pools.referrals),
  ]);
  return { signalsToNetworks: hop(signalsOut, networksIn), networksToReferrals: hop(networksOut, referralsIn) };
}

interface Posted {
  caseId?: string;
  startedAt: number;
  startedEpochMs: number;
  respondedAt?: number;
  error?: string;
}

async function run() {
  const loadAtStart = loadAverage();
  const infrastructure = await startTestInfrastructure();
  progress(`infrastructure (${infrastructure.source}) up`);
  const issuer: TestIssuer = await createTestIssuer();
  const runId = randomBytes(4).toString('hex');
  const databases = {} as Record<Service, TestDatabase>;
  const running: RunningService[] = [];
  const pools = {} as Record<Service, pg.Pool>;
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'bench-latency', logger });
  const bareTopic = `bench.latency.${runId}.bare`;
  const admin = kafka.admin();
  try {
    for (const service of services) {
      databases[service] = await createTestDatabase(infrastructure.postgresServerUrl, service, migrationsDir(service));
    }

    // The teams go in before networks starts: its relay publishes them, as after an operator's set-up.
    const networksPool = createPool(databases.networks.url, 2);
    const networksPrisma = createPrismaClient(networksPool);
    const teams: Team[] = [];
    const postcodeArea = randomInt(1000, 10000 - config.teams);
    try {
      for (let i = 0; i < config.teams; i += 1) {
        const id = randomUUID();
        const postcode = `${postcodeArea + i}${letter()}${letter()}`;
        await setUpNeighbourhoodTeam(
          networksPrisma,
          { source: 'urn:nld:oin:00000000000000000000:systeem:bench-latency' },
          {
            municipalityCode: 'GM9901',
            postcode,
            team: { id, name: `Buurtteam bench ${i + 1}`, capacity: config.teamCapacity },
          },
        );
        const token = await issuer.sign({
          organisationId: id,
          kind: 'team',
          scopes: ['referrals:read'],
          ttl: 6 * 3600,
        });
        teams.push({ id, postcode, token, nextHouseNumber: 1, pending: new Set() });
      }
    } finally {
      await networksPrisma.$disconnect();
      await networksPool.end();
    }

    const groupPrefix = `bench-latency-${runId}`;
    await buildServices(services);
    for (const service of services) {
      const env = serviceEnv({ infrastructure, databaseUrl: databases[service].url, issuer, groupPrefix });
      running.push(await startService(service, { ...env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' }));
    }
    progress('services up (one process each)');
    const [signalsService, , referralsService] = running as [RunningService, RunningService, RunningService];
    for (const service of services) pools[service] = new pg.Pool({ connectionString: databases[service].url, max: 1 });

    const idle = await idleMemory(running);
    progress(`idle memory: ${JSON.stringify(idle)}`);

    await admin.connect();
    await admin.createTopics({ topics: [{ topic: bareTopic, numPartitions: 6 }], waitForLeaders: true });

    const landlordToken = await issuer.sign({
      organisationId: 'woonstichting-bench',
      kind: 'landlord',
      scopes: ['signals:write'],
      ttl: 6 * 3600,
    });
    let household = 0;
    const seenAt = new Map<string, number>();
    const createdAt = new Map<string, number>();
    const post = async (record: Posted): Promise<void> => {
      const index = household;
      household += 1;
      const team = teams[index % teams.length] as Team;
      const houseNumber = team.nextHouseNumber;
      team.nextHouseNumber += 1;
      const body = JSON.stringify({
        ...demoRentSignal(),
        reference: `LAT-${runId}-${index}`,
        subject: { givenName: 'Anna', familyName: familyName(index) },
        address: { postcode: team.postcode, houseNumber },
      });
      record.startedAt = performance.now();
      record.startedEpochMs = Date.now();
      team.pending.add(record);
      try {
        const response = await fetch(`${signalsService.url}/v1/signals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${landlordToken}`, 'content-type': 'application/json' },
          body,
        });
        record.respondedAt = performance.now();
        const answer = (await response.json()) as { caseId?: string };
        if (response.status !== 201 || !answer.caseId)
          record.error = `${response.status} ${(answer as { code?: string }).code ?? ''}`.trim();
        else record.caseId = answer.caseId;
      } catch (error) {
        record.error = (error as Error).message;
      }
    };

    const pollers = teams.map((team) => inboxPoller(referralsService.url, team, seenAt, createdAt));
    const allListed = (records: Posted[]) => () =>
      records.every((record) => record.error !== undefined || (record.caseId && seenAt.has(record.caseId)));

    try {
      progress(`warm-up: ${config.warmupSignals} signals`);
      const warmup = Array.from({ length: config.warmupSignals }, () => ({}) as Posted);
      await paced(warmup, config.rates[0] ?? 20, post);
      if (!(await until(allListed(warmup), config.drainTimeoutMs, 20)))
        throw new Error('warm-up: not every signal reached the inbox');
      const warmupErrors = warmup.filter((record) => record.error).length;
      if (warmupErrors > 0) throw new Error(`warm-up: ${warmupErrors} signals refused (${warmup[0]?.error})`);

      const steps = [];
      let underLoad: Record<Service, MemorySample> | undefined;
      for (const rate of config.rates) {
        const count = rate * config.stepSeconds;
        progress(`system: ${rate}/s for ${config.stepSeconds} s (${count} signals)`);
        // The databases were made for this run, and autovacuum's first ANALYZE can come after the run is over.
        // Without statistics the team's list read all of a team's referrals and sorted them for every page
        // (2.3 ms a page, PostgreSQL's largest statement in a 100/s step) instead of reading its index.
        // A database in service has statistics, so each step starts with them.
        for (const service of services) await pools[service].query('ANALYZE');
        const records = Array.from({ length: count }, () => ({}) as Posted);
        const stepStartedEpochMs = Date.now();
        const pollsBefore = pollers.map((poller) => poller.pollMs.length);
        const sampler = rate === Math.max(...config.rates) ? memorySampler(running) : undefined;
        const achievedRate = await paced(records, rate, post);
        const drained = await until(allListed(records), config.drainTimeoutMs, 20);
        if (sampler) underLoad = await sampler.stop();
        const listed = records.filter(
          (record): record is Required<Posted> => record.caseId !== undefined && seenAt.has(record.caseId),
        );
        const system = {
          rate,
          signals: count,
          achievedRate: round(achievedRate, 1),
          refused: records.filter((record) => record.error).length,
          refusedBy: Object.fromEntries(
            [
              ...Map.groupBy(
                records.filter((record) => record.error),
                (record) => record.error as string,
              ),
            ].map(([error, list]) => [error, list.length]),
          ),
          complete: drained,
          listed: listed.length,
          postToListed: distribution(listed.map((r) => (seenAt.get(r.caseId) as number) - r.startedAt)),
          referralWritten: distribution(listed.map((r) => (createdAt.get(r.caseId) as number) - r.startedEpochMs)),
          postResponse: distribution(listed.map((r) => r.respondedAt - r.startedAt)),
          hops: await hops(pools, stepStartedEpochMs),
          inboxPoll: distribution(
            pollers.flatMap((poller, i) => poller.pollMs.slice(pollsBefore[i])).map((ms) => ms + config.pollPauseMs),
          ),
        };

        progress(`bare kafkajs: ${rate}/s for ${config.stepSeconds} s`);
        const baseline = await bareLatency({
          kafka,
          topic: bareTopic,
          groupId: `bench-latency-bare-${runId}-${rate}`,
          rate,
          seconds: config.stepSeconds,
          warmupEvents: config.bareWarmupEvents,
          drainTimeoutMs: config.drainTimeoutMs,
        });
        steps.push({
          ...system,
          baseline,
          ratio: {
            p50: round(system.postToListed.p50 / baseline.produceToConsumed.p50, 1),
            p99: round(system.postToListed.p99 / baseline.produceToConsumed.p99, 1),
          },
        });
      }

      const at100 = steps.find((step) => step.rate === 100);
      const goal = config.goals.at100PerSecond;
      return {
        benchmark: 'latency',
        date: new Date().toISOString(),
        machine: machine(loadAtStart),
        infrastructure: {
          source: infrastructure.source,
          kafkaBrokers: infrastructure.kafkaBrokers.length,
          note: 'PostgreSQL, the broker, the three service processes and the bench (load, pollers) share this machine',
        },
        config,
        steps,
        goalAt100PerSecond: at100 && {
          p50Ms: goal.p50Ms,
          p99Ms: goal.p99Ms,
          measuredP50Ms: at100.postToListed.p50,
          measuredP99Ms: at100.postToListed.p99,
          met: at100.postToListed.p50 <= goal.p50Ms && at100.postToListed.p99 <= goal.p99Ms,
        },
        memory: {
          goalMiB: config.goals.memoryMiB,
          idle,
          underLoad: underLoad ?? null,
          underLoadNote: `peak of samples every ${config.memorySampleMs} ms during the ${Math.max(...config.rates)}/s step until its referrals were all listed`,
          met: services.every(
            (name) =>
              (idle[name]?.rssMiB ?? Infinity) <= config.goals.memoryMiB.idle &&
              (underLoad?.[name]?.rssMiB ?? Infinity) <= config.goals.memoryMiB.underLoad,
          ),
        },
        pollers: pollers.map((poller) => poller.counts),
        benchSeconds: 0,
      };
    } finally {
      await Promise.all(pollers.map((poller) => poller.stop()));
    }
  } finally {
    await admin.deleteTopics({ topics: [bareTopic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await Promise.all(Object.values(pools).map((pool) => pool.end()));
    await Promise.all(running.map((service) => service.stop()));
    for (const database of Object.values(databases)) {
      await database.drop().catch((error) => logger.warn({ err: error }, 'dropping a bench database'));
    }
    await infrastructure.stop();
  }
}

function summary(result: Awaited<ReturnType<typeof run>>): string {
  const ms = (value: number) => value.toFixed(1);
  const d = (x: Distribution) => [ms(x.p50), ms(x.p99), ms(x.max)];
  const { memory } = result;
  const lines = [
    `latency bench: node ${result.machine.node}, ${result.machine.cpus} cpus, ${result.infrastructure.source}, ${result.date}`,
    '',
    table([
      ['rate (/s)', 'achieved', 'listed', 'p50', 'p99', 'max', 'bare p50', 'bare p99', 'bare max', 'poll p50'],
      ...result.steps.map((step) => [
        String(step.rate),
        String(step.achievedRate),
        `${step.listed}/${step.signals}`,
        ...d(step.postToListed),
        ...d(step.baseline.produceToConsumed),
        ms(step.inboxPoll.p50),
      ]),
    ]),
    `  POST → referral listed in the team's inbox (ms, late by up to one poll); bare: kafkajs send() → eachMessage`,
    '',
    table([
      ['p50 split (ms)', 'POST', 'relay s', 's→n inbox', 'relay n', 'n→r inbox', 'written'],
      ...result.steps.map((step) => [
        `${step.rate}/s`,
        ms(step.postResponse.p50),
        ms(step.hops.signalsToNetworks.relay.p50),
        ms(step.hops.signalsToNetworks.toInbox.p50),
        ms(step.hops.networksToReferrals.relay.p50),
        ms(step.hops.networksToReferrals.toInbox.p50),
        ms(step.referralWritten.p50),
      ]),
    ]),
    result.goalAt100PerSecond
      ? `  goal at 100/s: p50 ≤ ${result.goalAt100PerSecond.p50Ms} ms, p99 ≤ ${result.goalAt100PerSecond.p99Ms} ms: ${result.goalAt100PerSecond.met ? 'met' : 'missed'}`
      : '',
    '',
    table([
      ['memory (MiB)', 'idle RSS', 'idle heap', 'load RSS', 'load heap'],
      ...services.map((name) => [
        name,
        String(memory.idle[name]?.rssMiB),
        String(memory.idle[name]?.heapUsedMiB),
        String(memory.underLoad?.[name]?.rssMiB),
        String(memory.underLoad?.[name]?.heapUsedMiB),
      ]),
    ]),
    `  goal: RSS ≤ ${memory.goalMiB.idle} MiB idle, ≤ ${memory.goalMiB.underLoad} MiB under load: ${memory.met ? 'met' : 'missed'}`,
    '',
    `written to ${path.relative(repoRoot, resultsFile)}`,
  ];
  return `${lines.join('\n')}\n`;
}

await runBench(run, resultsFile, summary);
process.exit(0);

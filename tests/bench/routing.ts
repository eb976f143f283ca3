/**
 * Benchmark of the router's decision path on a municipality-sized setup: a
 * municipality with 10,000 ordered routing rules, 500 neighbourhoods and
 * 200 teams, on a 500,000-row postcode map imported through the service's
 * own streaming import. A benchmark, not a test: it asserts nothing about
 * time, it measures and writes bench/results/routing.json.
 *
 *   pnpm bench:routing
 *
 * Measured is what the router runs for every CaseOpened or
 * ReferralRequested (decideForItem of features/route-item/consumer.ts):
 * postcode and house number to neighbourhood (PC6, then PC4), the
 * municipality's rules, the teams of the rules that hold, the pure decision
 * and the claim of the chosen team's place (its row lock), in one transaction as the
 * consumer's inbox transaction would hold it. Not measured: the writes
 * after the decision (decision row, routed item, outbox), which are the
 * same few inserts whatever the number of rules.
 *
 * (a) latency, one decision at a time (one partition's consumer);
 * (b) throughput with BENCH_CONCURRENCY decisions in flight (the router
 *     works 3 partitions at once per instance);
 * baselines in the same run, same database, same addresses:
 * (c) the same decision path for a municipality with 10 rules;
 * (d) a bare indexed SELECT of the address's postcode rows (the floor: one
 *     round trip to PostgreSQL).
 * (e) the backlog: a first routing as the router's consumer applies it
 *     (routeItem with every write: decision, routed item, capacity, outbox,
 *     inside the inbox transaction), BENCH_CONCURRENCY at once as the
 *     consumer works partitions, and what a 100,000-row file therefore takes;
 *     baseline (f) the same inbox transactions with an empty handler. Kafka's
 *     fetch and the relay are not in it (bench:messaging measures those).
 * (g) the backlog as the consumer applies it: runs of BENCH_BATCH first
 *     routings in one inbox transaction through routeItems (the handler's
 *     handleMany), BENCH_CONCURRENCY runs at once; against (f) and (e).
 *
 * Knobs (environment): BENCH_RULES, BENCH_MAP_ROWS, BENCH_DECISIONS, BENCH_CONCURRENCY, BENCH_BACKLOG, BENCH_BATCH.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type AgeBand, ageBands, type SignalKind, signalKinds } from '@vangnet/contracts/codes';
import type { AmountBand } from '@vangnet/contracts/signals';
import { prismaInbox } from '@vangnet/db/inbox';
import { saveDistrict, saveMunicipality, saveNeighbourhood } from '@vangnet/networks/areas';
import { createPrismaClient } from '@vangnet/networks/db';
import { importPostcodeMap } from '@vangnet/networks/import-postcode-map';
import { decideForItem, routeItem, routeItems } from '@vangnet/networks/route-item';
import { replaceRules } from '@vangnet/networks/rules';
import { saveTeam } from '@vangnet/networks/teams';
import { distribution, intFromEnv, loadAverage, machine, round, runBench, table } from '@vangnet/testing/bench';
import { createTestDatabase } from '@vangnet/testing/database';
import { startTestInfrastructure } from '@vangnet/testing/infrastructure';
import pg from 'pg';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const resultsFile = path.join(repoRoot, 'bench', 'results', 'routing.json');
const migrations = path.join(repoRoot, 'services', 'networks', 'prisma', 'migrations');

const config = {
  rules: intFromEnv('BENCH_RULES', 10_000),
  baselineRules: 10,
  mapRows: intFromEnv('BENCH_MAP_ROWS', 500_000),
  districts: 20,
  neighbourhoodsPerDistrict: 25,
  teams: 200,
  /** Every tenth team is full: the decision passes over it, as on a busy day. */
  fullTeamEvery: 10,
  /** PC4 areas of the big municipality; the small one gets `smallPc4s` of its own. */
  pc4s: 990,
  smallPc4s: 10,
  /** Share of addresses whose PC6 is not in the map, so the PC4 fallback is measured too. */
  pc4FallbackShare: 0.1,
  decisions: intFromEnv('BENCH_DECISIONS', 5_000),
  warmupDecisions: 300,
  concurrency: intFromEnv('BENCH_CONCURRENCY', 3),
  /** Items of the backlog run (e); the file of the goal has 100,000 rows. */
  backlogItems: intFromEnv('BENCH_BACKLOG', 5_000),
  /** Events per inbox transaction in (g): the consumer's maxEventsPerTransaction. */
  batchEvents: intFromEnv('BENCH_BATCH', 200),
  fileRows: 100_000,
  /** Connections the Prisma pool may open; the router's is the service's pool. */
  poolSize: 8,
};

const BIG = { code: 'GM9990', name: 'Benchstad', digits: '9990' };
const SMALL = { code: 'GM9991', name: 'Kleindorp', digits: '9991' };
const context = { source: 'urn:nld:oin:00000000000000000000:systeem:bench' };

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** A small deterministic generator, so every run routes the same items. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
const random = seeded(20261129);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const letters = (n: number) => String.fromCharCode(65 + Math.floor(n / 26)) + String.fromCharCode(65 + (n % 26));
const teamId = (municipality: string, n: number) =>
  `${municipality.slice(2).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface Area {
  municipality: typeof BIG;
  neighbourhoods: string[];
  pc4s: number[];
}

async function setUpArea(
  prisma: ReturnType<typeof createPrismaClient>,
  municipality: typeof BIG,
  shape: { districts: number; perDistrict: number; teams: number; rules: number; pc4s: number[] },
): Promise<Area> {
  const neighbourhoods: string[] = [];
  await prisma.$transaction(
    async (tx) => {
      await saveMunicipality(tx, { code: municipality.code, name: municipality.name });
      for (let d = 1; d <= shape.districts; d += 1) {
        const districtCode = `WK${municipality.digits}${String(d).padStart(2, '0')}`;
        await saveDistrict(tx, { code: districtCode, municipalityCode: municipality.code, name: `Wijk ${d}` });
        for (let n = 1; n <= shape.perDistrict; n += 1) {
          const code = `BU${municipality.digits}${String(d).padStart(2, '0')}${String(n).padStart(2, '0')}`;
          await saveNeighbourhood(tx, { code, districtCode, name: `Buurt ${d}-${n}` }, context);
          neighbourhoods.push(code);
        }
      }
      for (let t = 0; t < shape.teams; t += 1) {
        await saveTeam(
          tx,
          {
            id: teamId(municipality.code, t),
            name: `Team ${t}`,
            municipalityCode: municipality.code,
            // Team 0 takes the catch-all and never fills up; every tenth other team is full.
            capacity: t > 0 && t % config.fullTeamEvery === 0 ? 0 : 1_000_000,
          },
          context,
        );
      }
      await replaceRules(tx, municipality.code, makeRules(municipality, neighbourhoods, shape.teams, shape.rules));
    },
    { timeout: 10 * 60_000, maxWait: 10_000 },
  );
  return { municipality, neighbourhoods, pc4s: shape.pc4s };
}

/**
 * Rules as a large municipality writes them: per neighbourhood and item
 * kind, the crisis rules first, then per kind, some by amount or age band,
 * and one catch-all last. An item's first matching rule sits anywhere in
 * the list, so the decision scans on average half of it.
 */
function makeRules(municipality: typeof BIG, neighbourhoods: string[], teams: number, count: number) {
  const kinds = signalKinds;
  const amountBands: AmountBand[] = ['under_500', '500_to_2000', '2000_to_5000', 'over_5000'];
  const rules = [];
  for (let i = 0; i < count - 1; i += 1) {
    const neighbourhood = neighbourhoods[i % neighbourhoods.length] as string;
    const lap = Math.floor(i / neighbourhoods.length);
    const kind = kinds[lap % kinds.length] as SignalKind;
    const match =
      lap < kinds.length
        ? {
            itemKinds: [kind],
            neighbourhoodCodes: [neighbourhood],
            ...(lap % 2 === 0 ? { urgencies: ['crisis' as const] } : {}),
          }
        : lap % 3 === 0
          ? {
              itemKinds: [kind],
              neighbourhoodCodes: [neighbourhood],
              amountBands: [amountBands[lap % 4] as AmountBand],
            }
          : { itemKinds: [kind], neighbourhoodCodes: [neighbourhood], ageBands: [ageBands[lap % 5] as AgeBand] };
    rules.push({
      id: `r${i}`,
      match,
      teamId: teamId(municipality.code, 1 + ((i * 7) % (teams - 1))),
      deadlineWorkingDays: 1 + (i % 10),
    });
  }
  rules.push({ id: 'catch-all', match: {}, teamId: teamId(municipality.code, 0), deadlineWorkingDays: 5 });
  return rules;
}

/**
 * The postcode map as a CSV file of `mapRows` rows: per PC4 one fallback
 * row, then PC6 rows of two house-number ranges each, over both
 * municipalities' PC4 areas, each range in one of that municipality's
 * neighbourhoods.
 */
async function writeMap(file: string, areas: Area[]): Promise<{ rows: number; pc6PerPc4: number }> {
  const pc4Count = areas.reduce((sum, area) => sum + area.pc4s.length, 0);
  const pc6PerPc4 = Math.ceil((config.mapRows - pc4Count) / pc4Count / 2);
  if (pc6PerPc4 > 26 * 26 - 1) throw new Error('too many rows for the PC4 areas');
  const lines: string[] = ['postcode;house number from;to;neighbourhood code'];
  let rows = 0;
  for (const area of areas) {
    for (const pc4 of area.pc4s) {
      lines.push(`${pc4};1;99999;${pick(area.neighbourhoods)}`);
      rows += 1;
    }
  }
  outer: for (let letter = 0; letter < pc6PerPc4; letter += 1) {
    for (const area of areas) {
      for (const pc4 of area.pc4s) {
        for (const [from, to] of [
          [1, 40],
          [41, 99999],
        ]) {
          if (rows >= config.mapRows) break outer;
          lines.push(`${pc4}${letters(letter)};${from};${to};${pick(area.neighbourhoods)}`);
          rows += 1;
        }
      }
    }
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return { rows, pc6PerPc4 };
}

interface Item {
  facts: Parameters<typeof decideForItem>[1];
  address: { postcode: string; houseNumber: number };
}

function makeItems(area: Area, count: number, pc6PerPc4: number): Item[] {
  return Array.from({ length: count }, () => {
    const pc4 = pick(area.pc4s);
    // Letters past the map's PC6s: only the PC4 row knows the address.
    const fallback = random() < config.pc4FallbackShare;
    const letter = fallback ? 26 * 26 - 1 : Math.floor(random() * pc6PerPc4);
    const kind = pick(signalKinds);
    const ageBand = pick(ageBands);
    return {
      facts: {
        item: { kind: 'case' as const, id: randomUUID() },
        kind,
        urgency: random() < 0.1 ? ('crisis' as const) : ('regular' as const),
        amountBand: pick(['under_500', '500_to_2000', '2000_to_5000', 'over_5000'] as const),
        ageBand,
        ...(kind === 'gp_referral' ? { concernCodes: ['loneliness' as const] } : {}),
      },
      address: { postcode: `${pc4}${letters(letter)}`, houseNumber: 1 + Math.floor(random() * 120) },
    };
  });
}

type Prisma = ReturnType<typeof createPrismaClient>;

/** One decision as the router makes it: inside a transaction, the decision path and nothing else. */
async function decideOnce(prisma: Prisma, item: Item): Promise<{ ms: number; outcome: string; rule?: string }> {
  const started = performance.now();
  const outcome = await prisma.$transaction(async (tx) => {
    const decided = await decideForItem(tx, item.facts, item.address, { attempt: 1, excludedTeamIds: [] }, new Date());
    return decided.claim();
  });
  return {
    ms: performance.now() - started,
    outcome: outcome.outcome === 'decided' ? 'decided' : outcome.reason,
    ...(outcome.outcome === 'decided' ? { rule: outcome.ruleId } : {}),
  };
}

async function sequential(prisma: Prisma, items: Item[]) {
  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  let catchAll = 0;
  const started = performance.now();
  for (const item of items) {
    const result = await decideOnce(prisma, item);
    latencies.push(result.ms);
    outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
    if (result.rule === 'catch-all') catchAll += 1;
  }
  const elapsed = performance.now() - started;
  return {
    decisions: items.length,
    decisionsPerSecond: Math.round(items.length / (elapsed / 1_000)),
    latencyMs: distribution(latencies),
    outcomes: Object.fromEntries(outcomes),
    decidedByCatchAll: catchAll,
  };
}

async function concurrent(prisma: Prisma, items: Item[], workers: number) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) {
        const item = items[next] as Item;
        next += 1;
        latencies.push((await decideOnce(prisma, item)).ms);
      }
    }),
  );
  const elapsed = performance.now() - started;
  return {
    concurrency: workers,
    decisions: items.length,
    decisionsPerSecond: Math.round(items.length / (elapsed / 1_000)),
    latencyMs: distribution(latencies),
  };
}

/** The floor: one indexed SELECT of the address's PC6 and PC4 rows, on the same pool. */
async function bareSelect(pool: pg.Pool, items: Item[]) {
  const latencies: number[] = [];
  const started = performance.now();
  for (const item of items) {
    const at = performance.now();
    await pool.query(
      'SELECT postcode, house_number_from, house_number_to, neighbourhood_code FROM postcode_range WHERE postcode = ANY($1)',
      [[item.address.postcode, item.address.postcode.slice(0, 4)]],
    );
    latencies.push(performance.now() - at);
  }
  const elapsed = performance.now() - started;
  return {
    decisions: items.length,
    selectsPerSecond: Math.round(items.length / (elapsed / 1_000)),
    latencyMs: distribution(latencies),
  };
}

/**
 * Works `items` off in runs of `runSize`, `workers` runs at once, as the
 * consumer's partitions do, and what that rate means for a file.
 */
async function drain(items: Item[], workers: number, runSize: number, apply: (run: Item[]) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) {
        const run = items.slice(next, next + runSize);
        next += run.length;
        await apply(run);
      }
    }),
  );
  const perSecond = items.length / ((performance.now() - started) / 1_000);
  return {
    concurrency: workers,
    items: items.length,
    itemsPerSecond: Math.round(perSecond),
    fileOf100kRowsSeconds: Math.round(config.fileRows / perSecond),
  };
}

const openingEvent = (id: string) => ({
  id,
  source: context.source,
  type: 'nl.vangnet.signals.CaseOpened.v1',
  specversion: '1.0' as const,
  time: new Date().toISOString(),
  datacontenttype: 'application/json' as const,
});

/**
 * Items routed as the consumer applies them one at a time (inbox entry and
 * every write in one transaction), `workers` at once; with `empty` the
 * handler does nothing, the floor of the consumer's own transaction.
 */
function backlog(prisma: Prisma, items: Item[], workers: number, empty = false) {
  const inbox = prismaInbox(prisma);
  const group = `bench.router.${randomUUID()}`;
  return drain(items, workers, 1, async ([item]) => {
    const id = randomUUID();
    await inbox.runOnce(group, id, async (tx) => {
      if (!empty && item) {
        await routeItem(item.facts, item.address, { tx, event: openingEvent(id), trace: {} }, context.source);
      }
    });
  });
}

/**
 * Items routed as the consumer applies a partition's backlog: runs of
 * `config.batchEvents` in one inbox transaction (one statement for the
 * ids) through routeItems, `workers` runs at once.
 */
async function batchedBacklog(prisma: Prisma, items: Item[], workers: number) {
  const inbox = prismaInbox(prisma);
  const group = `bench.router.${randomUUID()}`;
  return {
    ...(await drain(items, workers, config.batchEvents, (run) =>
      inbox.runBatch(
        group,
        run.map(() => randomUUID()),
        (tx) =>
          routeItems(
            tx,
            run.map((item) => ({ ...item, trace: {} })),
            context.source,
            'bulk',
          ),
      ),
    )),
    eventsPerTransaction: config.batchEvents,
  };
}

async function run() {
  const loadAtStart = loadAverage();
  const infrastructure = await startTestInfrastructure();
  progress(`infrastructure: ${infrastructure.source}`);
  const database = await createTestDatabase(infrastructure.postgresServerUrl, 'bench_routing', migrations);
  const pool = new pg.Pool({ connectionString: database.url, max: config.poolSize });
  const prisma = createPrismaClient(pool);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'bench-routing-'));
  try {
    const postgresVersion = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]
      ?.server_version;
    const setUpStarted = performance.now();
    const big = await setUpArea(prisma, BIG, {
      districts: config.districts,
      perDistrict: config.neighbourhoodsPerDistrict,
      teams: config.teams,
      rules: config.rules,
      pc4s: Array.from({ length: config.pc4s }, (_, n) => 1000 + n),
    });
    const small = await setUpArea(prisma, SMALL, {
      districts: 1,
      perDistrict: 5,
      teams: 5,
      rules: config.baselineRules,
      pc4s: Array.from({ length: config.smallPc4s }, (_, n) => 1000 + config.pc4s + n),
    });
    const setUpMs = performance.now() - setUpStarted;
    progress(
      `${config.rules} + ${config.baselineRules} rules, ${config.teams} teams set up in ${Math.round(setUpMs)} ms`,
    );

    const csv = path.join(folder, 'postcode-map.csv');
    const map = await writeMap(csv, [big, small]);
    const importStarted = performance.now();
    const imported = await importPostcodeMap(prisma, createReadStream(csv));
    const importMs = performance.now() - importStarted;
    await pool.query('ANALYZE');
    progress(`postcode map: ${imported.rows} rows imported in ${Math.round(importMs)} ms`);

    const warmup = makeItems(big, config.warmupDecisions, map.pc6PerPc4);
    const items = makeItems(big, config.decisions, map.pc6PerPc4);
    const smallItems = makeItems(small, config.decisions, map.pc6PerPc4);
    for (const item of warmup) await decideOnce(prisma, item);
    for (const item of makeItems(small, config.warmupDecisions, map.pc6PerPc4)) await decideOnce(prisma, item);
    await bareSelect(pool, warmup);

    progress(`(a) ${config.decisions} decisions one at a time, ${config.rules} rules`);
    const latency = await sequential(prisma, items);
    progress(`(b) ${config.decisions} decisions, ${config.concurrency} in flight`);
    const throughput = await concurrent(prisma, items, config.concurrency);
    progress(`(c) ${config.decisions} decisions one at a time, ${config.baselineRules} rules`);
    const fewRules = await sequential(prisma, smallItems);
    progress(`(d) ${config.decisions} bare postcode SELECTs`);
    const bare = await bareSelect(pool, items);

    progress(`(e) backlog: ${config.backlogItems} first routings with their writes, ${config.concurrency} in flight`);
    const backlogRun = await backlog(prisma, makeItems(big, config.backlogItems, map.pc6PerPc4), config.concurrency);
    progress(`(f) baseline: ${config.backlogItems} empty inbox transactions, ${config.concurrency} in flight`);
    const emptyInbox = await backlog(
      prisma,
      makeItems(big, config.backlogItems, map.pc6PerPc4),
      config.concurrency,
      true,
    );

    progress(
      `(g) backlog in runs of ${config.batchEvents}: ${config.backlogItems} first routings, ${config.concurrency} runs in flight`,
    );
    const batchedRun = await batchedBacklog(
      prisma,
      makeItems(big, config.backlogItems, map.pc6PerPc4),
      config.concurrency,
    );

    const ratio = (a: number, b: number) => round(a / b, 2);
    return {
      benchmark: 'routing',
      date: new Date().toISOString(),
      machine: machine(loadAtStart),
      infrastructure: {
        source: infrastructure.source,
        postgres: postgresVersion,
        note: 'PostgreSQL and the bench share this machine (and, in a shared environment, other work)',
      },
      config,
      setUp: {
        rules: config.rules,
        baselineRules: config.baselineRules,
        neighbourhoods: big.neighbourhoods.length,
        teams: config.teams,
        postcodeMapRows: imported.rows,
        pc6PerPc4: map.pc6PerPc4,
        setUpMs: Math.round(setUpMs),
        postcodeMapImportMs: Math.round(importMs),
        postcodeMapImportRowsPerSecond: Math.round(imported.rows / (importMs / 1_000)),
      },
      decisionPath: { sequential: latency, concurrent: throughput },
      backlog: {
        firstRoutings: backlogRun,
        batched: batchedRun,
        goal: `a ${config.fileRows}-row file fully routed within 300 s`,
      },
      baseline: { tenRules: fewRules, bareSelect: bare, emptyInbox },
      ratio: {
        vsTenRules: {
          p50: ratio(latency.latencyMs.p50, fewRules.latencyMs.p50),
          p99: ratio(latency.latencyMs.p99, fewRules.latencyMs.p99),
          decisionsPerSecond: ratio(latency.decisionsPerSecond, fewRules.decisionsPerSecond),
        },
        vsBareSelect: {
          p50: ratio(latency.latencyMs.p50, bare.latencyMs.p50),
          p99: ratio(latency.latencyMs.p99, bare.latencyMs.p99),
        },
        backlogVsEmptyInbox: ratio(backlogRun.itemsPerSecond, emptyInbox.itemsPerSecond),
        batchedVsEmptyInbox: ratio(batchedRun.itemsPerSecond, emptyInbox.itemsPerSecond),
        batchedVsOneByOne: ratio(batchedRun.itemsPerSecond, backlogRun.itemsPerSecond),
      },
      benchSeconds: 0,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
    await prisma.$disconnect();
    await pool.end();
    await database.drop().catch((error) => progress(`dropping the bench database: ${error}`));
    await infrastructure.stop();
  }
}

function summary(result: Awaited<ReturnType<typeof run>>): string {
  const { sequential: s, concurrent: c } = result.decisionPath;
  const { tenRules: t, bareSelect: b } = result.baseline;
  const ms = (value: number) => value.toFixed(2);
  return `${[
    `routing bench: node ${result.machine.node}, ${result.machine.cpus} cpus, ${result.infrastructure.source}, ${result.date}`,
    `${result.setUp.rules} rules, ${result.setUp.teams} teams, ${result.setUp.neighbourhoods} neighbourhoods, ${result.setUp.postcodeMapRows} postcode rows (imported in ${result.setUp.postcodeMapImportMs} ms)`,
    '',
    table([
      ['', 'decisions/s', 'p50 ms', 'p99 ms', 'max ms'],
      [
        `${result.setUp.rules} rules, one at a time`,
        String(s.decisionsPerSecond),
        ms(s.latencyMs.p50),
        ms(s.latencyMs.p99),
        ms(s.latencyMs.max),
      ],
      [
        `${result.setUp.rules} rules, ${c.concurrency} in flight`,
        String(c.decisionsPerSecond),
        ms(c.latencyMs.p50),
        ms(c.latencyMs.p99),
        ms(c.latencyMs.max),
      ],
      [
        `baseline: ${result.setUp.baselineRules} rules`,
        String(t.decisionsPerSecond),
        ms(t.latencyMs.p50),
        ms(t.latencyMs.p99),
        ms(t.latencyMs.max),
      ],
      [
        'baseline: bare postcode SELECT',
        String(b.selectsPerSecond),
        ms(b.latencyMs.p50),
        ms(b.latencyMs.p99),
        ms(b.latencyMs.max),
      ],
    ]),
    '',
    `ratio to ${result.setUp.baselineRules} rules: p50 ${result.ratio.vsTenRules.p50}, p99 ${result.ratio.vsTenRules.p99}; to the bare SELECT: p50 ${result.ratio.vsBareSelect.p50}, p99 ${result.ratio.vsBareSelect.p99}`,
    `backlog: ${result.backlog.firstRoutings.itemsPerSecond} first routings/s with their writes (${result.backlog.firstRoutings.concurrency} in flight): a ${result.config.fileRows}-row file in ~${result.backlog.firstRoutings.fileOf100kRowsSeconds} s; empty inbox transactions ${result.baseline.emptyInbox.itemsPerSecond}/s (ratio ${result.ratio.backlogVsEmptyInbox})`,
    `backlog in runs of ${result.backlog.batched.eventsPerTransaction} (the consumer's batches): ${result.backlog.batched.itemsPerSecond} first routings/s: a ${result.config.fileRows}-row file in ~${result.backlog.batched.fileOf100kRowsSeconds} s (goal 300 s); ${result.ratio.batchedVsOneByOne}x one by one, ${result.ratio.batchedVsEmptyInbox}x empty inbox transactions`,
    `outcomes: ${JSON.stringify(s.outcomes)}`,
    `written to ${path.relative(repoRoot, resultsFile)}`,
  ].join('\n')}\n`;
}

await runBench(run, resultsFile, summary);

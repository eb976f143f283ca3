import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrl, ensureDatabase } from '@vangnet/db/admin';
import { migrate } from '@vangnet/db/migrate';
import { createKafka, ensureTopics } from '@vangnet/messaging/kafka';
import pino from 'pino';
import { startKafka, stopKafka } from './kafka.ts';
import { startPostgres, stopPostgres } from './postgres.ts';

export { freePort } from './process.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const serviceNames = ['signals', 'networks', 'referrals'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface StackOptions {
  /** Everything the stack writes lives below this folder. */
  dir: string;
  postgresPort: number;
  kafkaPort: number;
  kafkaControllerPort: number;
  /** Where the resolved broker classpath is remembered; default `<dir>/cache`. */
  cacheDir?: string;
}

/** The developer's stack: data in `.data/` (git-ignored), fixed ports. */
export const devStackOptions: StackOptions = {
  dir: path.join(repoRoot, '.data'),
  postgresPort: 54329,
  kafkaPort: 19092,
  kafkaControllerPort: 19093,
};

export interface LocalStack {
  /** The server's maintenance database; service databases sit beside it. */
  postgresServerUrl: string;
  kafkaBrokers: string[];
  /** Whether this call started anything; false when all of it was already running. */
  startedHere: boolean;
  /** Stops what this call started; what was already running keeps running. */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL and Kafka (or finds them running), and creates the
 * topics. Idempotent: running it twice reuses what runs.
 */
export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  await mkdir(options.dir, { recursive: true });
  const [postgresStart, kafkaStart] = await Promise.allSettled([
    startPostgres({ dataDir: path.join(options.dir, 'postgres'), port: options.postgresPort }),
    startKafka({
      dataDir: path.join(options.dir, 'kafka'),
      port: options.kafkaPort,
      controllerPort: options.kafkaControllerPort,
      cacheDir: options.cacheDir ?? path.join(options.dir, 'cache'),
    }),
  ]);
  if (postgresStart.status === 'rejected' || kafkaStart.status === 'rejected') {
    // Leave nothing half-started behind.
    if (postgresStart.status === 'fulfilled' && postgresStart.value.startedHere) await postgresStart.value.stop();
    if (kafkaStart.status === 'fulfilled' && kafkaStart.value.startedHere) await kafkaStart.value.stop();
    throw postgresStart.status === 'rejected' ? postgresStart.reason : (kafkaStart as PromiseRejectedResult).reason;
  }
  const postgres = postgresStart.value;
  const kafka = kafkaStart.value;
  await createTopics(kafka.brokers);
  return {
    postgresServerUrl: postgres.serverUrl,
    kafkaBrokers: kafka.brokers,
    startedHere: postgres.startedHere || kafka.startedHere,
    // A stack someone started with `pnpm infra:up` (and others may be using)
    // is not ours to stop when `pnpm start` ends.
    stop: async () => {
      await Promise.all([postgres.startedHere && postgres.stop(), kafka.startedHere && kafka.stop()]);
    },
  };
}

/** Stops what `startLocalStack` started in `dir`, if it runs. */
export async function stopLocalStack(options: Pick<StackOptions, 'dir'>): Promise<void> {
  await Promise.all([stopKafka(path.join(options.dir, 'kafka')), stopPostgres(path.join(options.dir, 'postgres'))]);
}

export async function createTopics(brokers: string[]): Promise<void> {
  const kafka = createKafka({ brokers, clientId: 'vangnet-infra', logger: pino({ level: 'error' }) });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin);
  } finally {
    await admin.disconnect();
  }
}

export const migrationsDir = (service: ServiceName) => path.join(repoRoot, 'services', service, 'prisma', 'migrations');

/** Creates each service's database when missing and applies its migrations. */
export async function prepareServiceDatabases(postgresServerUrl: string): Promise<Record<ServiceName, string>> {
  const entries = await Promise.all(
    serviceNames.map(async (service) => {
      const url = databaseUrl(postgresServerUrl, service);
      await ensureDatabase(url);
      await migrate(url, migrationsDir(service));
      return [service, url] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ServiceName, string>;
}

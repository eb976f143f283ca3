import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTopics, startLocalStack } from '@vangnet/infra/local-stack';

/** What every integration and end-to-end test connects to. */
export interface TestInfrastructure {
  /** A server URL whose user may create databases; each test file makes its own. */
  postgresServerUrl: string;
  kafkaBrokers: string[];
  /** How it was obtained, printed once so a slow or failing run is easy to place. */
  source: 'environment' | 'testcontainers' | 'local-stack';
}

export interface RunningInfrastructure extends TestInfrastructure {
  stop(): Promise<void>;
}

const serviceDatabaseVariables = ['SIGNALS_DATABASE_URL', 'NETWORKS_DATABASE_URL', 'REFERRALS_DATABASE_URL'];

/**
 * From the environment when it names both (TEST_POSTGRES_URL or any
 * <SERVICE>_DATABASE_URL, and KAFKA_BROKERS); else from testcontainers when a
 * Docker engine answers; else the local stack without Docker (embedded
 * PostgreSQL and a KRaft broker) in a temporary folder on free ports.
 * One per test run: vitest's global setup calls this once.
 */
export async function startTestInfrastructure(env = process.env): Promise<RunningInfrastructure> {
  const fromEnv = env.TEST_POSTGRES_URL ?? serviceDatabaseVariables.map((name) => env[name]).find(Boolean);
  if (fromEnv && env.KAFKA_BROKERS) {
    const kafkaBrokers = env.KAFKA_BROKERS.split(',').map((broker) => broker.trim());
    await createTopics(kafkaBrokers);
    return { postgresServerUrl: fromEnv, kafkaBrokers, source: 'environment', stop: async () => undefined };
  }
  if (await dockerAnswers(env)) return startContainers();
  return startLocalTestStack();
}

async function dockerAnswers(env: NodeJS.ProcessEnv): Promise<boolean> {
  if (!env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<RunningInfrastructure> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { freePort } = await import('@vangnet/infra/local-stack');
  const kafkaPort = await freePort();
  const [postgres, kafka] = await Promise.all([
    new GenericContainer('postgres:18')
      .withEnvironment({ POSTGRES_PASSWORD: 'vangnet-test' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    // A fixed host port: the broker must advertise the address clients dial.
    new GenericContainer('apache/kafka:4.1.1')
      .withExposedPorts({ container: 9092, host: kafkaPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
  ]);
  const kafkaBrokers = [`127.0.0.1:${kafkaPort}`];
  await createTopics(kafkaBrokers);
  return {
    postgresServerUrl: `postgres://postgres:vangnet-test@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
    kafkaBrokers,
    source: 'testcontainers',
    stop: async () => {
      await Promise.all([postgres.stop(), kafka.stop()]);
    },
  };
}

async function startLocalTestStack(): Promise<RunningInfrastructure> {
  const { freePort } = await import('@vangnet/infra/local-stack');
  const dir = await mkdtemp(path.join(tmpdir(), 'vangnet-test-'));
  const [postgresPort, kafkaPort, kafkaControllerPort] = [await freePort(), await freePort(), await freePort()];
  const stack = await startLocalStack({
    dir,
    postgresPort,
    kafkaPort,
    kafkaControllerPort,
    // The broker jars resolve once per machine, not once per test run.
    cacheDir: path.join(tmpdir(), 'vangnet-kafka-cache'),
  });
  return {
    postgresServerUrl: stack.postgresServerUrl,
    kafkaBrokers: stack.kafkaBrokers,
    source: 'local-stack',
    stop: async () => {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

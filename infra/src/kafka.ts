import { execFile, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { portAnswers, readPid, removePid, terminate, waitUntil, writePid } from './process.ts';

const run = promisify(execFile);
const kafkaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'kafka');

export interface LocalKafka {
  brokers: string[];
  /** False when an earlier command (`pnpm infra:up`) started it and it was found running. */
  startedHere: boolean;
  stop(): Promise<void>;
}

async function requireTool(command: string, args: string[], hint: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args);
    return `${stdout}${stderr}`;
  } catch {
    throw new Error(`${command} is not available: ${hint}`);
  }
}

/** The broker's classpath, resolved by Maven once per pom and cached beside the data. */
async function classpath(cacheDir: string): Promise<string> {
  const pom = path.join(kafkaDir, 'pom.xml');
  const pomHash = createHash('sha256')
    .update(await readFile(pom))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = path.join(cacheDir, `classpath-${pomHash}.txt`);
  const cached = await readFile(cacheFile, 'utf8').catch(() => undefined);
  if (cached) {
    const jars = cached.trim().split(path.delimiter);
    const present = await Promise.all(
      jars.map((jar) =>
        access(jar).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (present.every(Boolean)) return cached.trim();
  }
  await requireTool('mvn', ['-v'], 'install Apache Maven (apt-get install maven) to fetch the Kafka broker jars');
  try {
    await run('mvn', ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${cacheFile}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    throw new Error(`Maven could not resolve the Kafka broker jars:\n${output.slice(-2_000)}`);
  }
  return (await readFile(cacheFile, 'utf8')).trim();
}

function serverProperties(options: { dataDir: string; port: number; controllerPort: number }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${path.join(options.dataDir, 'log')}`,
    // One broker: internal topics must not ask for replicas that cannot exist,
    // or consumer groups and transactions never become available.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose (infra/src/topics), never by a typo.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    '',
  ].join('\n');
}

/**
 * Starts (or finds running) a single-node Apache Kafka 4 broker in KRaft mode
 * from Maven Central's jars with the machine's JDK. The broker runs detached,
 * its pid in `dataDir/kafka.pid`, so it survives the command that started it.
 */
export async function startKafka(options: {
  dataDir: string;
  port: number;
  controllerPort: number;
  cacheDir: string;
}): Promise<LocalKafka> {
  const { dataDir, port } = options;
  const pidFile = path.join(dataDir, 'kafka.pid');
  const brokers = [`127.0.0.1:${port}`];
  const stop = () => stopKafka(dataDir);

  if ((await readPid(pidFile)) && (await portAnswers(port))) return { brokers, startedHere: false, stop };
  if (await portAnswers(port)) {
    throw new Error(`port ${port} is taken by another program; set another port for the local Kafka broker`);
  }

  const javaVersion = await requireTool(
    'java',
    ['-version'],
    'install a JDK 17 or newer (apt-get install openjdk-17-jdk-headless)',
  );
  const major = Number(/version "(\d+)/.exec(javaVersion)?.[1] ?? 0);
  if (major < 17) throw new Error(`Kafka 4 needs Java 17 or newer; found: ${javaVersion.split('\n')[0]}`);

  await mkdir(path.join(dataDir, 'log'), { recursive: true });
  await mkdir(options.cacheDir, { recursive: true });
  const cp = await classpath(options.cacheDir);
  const config = path.join(dataDir, 'server.properties');
  await writeFile(config, serverProperties(options));

  const formatted = await access(path.join(dataDir, 'log', 'meta.properties')).then(
    () => true,
    () => false,
  );
  if (!formatted) {
    // `--cluster-id=` keeps an id that starts with '-' (base64url) from reading as an option.
    await run('java', ['-cp', cp, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId()}`, '-c', config]);
  }

  const out = await open(path.join(dataDir, 'kafka.out'), 'a');
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      `-Dkafka.logs.dir=${dataDir}`,
      `-Dlog4j2.configurationFile=${path.join(kafkaDir, 'log4j2.properties')}`,
      '-cp',
      cp,
      'kafka.Kafka',
      config,
    ],
    { detached: true, stdio: ['ignore', out.fd, out.fd] },
  );
  child.unref();
  await out.close();
  if (!child.pid) throw new Error('could not start java for the Kafka broker');
  await writePid(pidFile, child.pid);

  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitUntil(
    'the Kafka broker',
    async () => {
      if (exited) throw new Error(`the Kafka broker exited; see ${path.join(dataDir, 'server.log')}`);
      return portAnswers(port);
    },
    90_000,
  ).catch(async (error: Error) => {
    await stop();
    throw error;
  });
  return { brokers, startedHere: true, stop };
}

/** Stops the broker whose pid is in `dataDir`, if it runs; a controlled shutdown first. */
export async function stopKafka(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'kafka.pid');
  const pid = await readPid(pidFile);
  if (pid) await terminate(pid, 30_000);
  await removePid(pidFile);
}

/** A KRaft cluster id: 16 random bytes, base64url, as `kafka-storage random-uuid` makes. */
function clusterId(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
}
